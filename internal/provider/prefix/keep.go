package prefix

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// keptOnDestroy reports whether delete_on_destroy = false asks destroy to
// leave etcd untouched (Terraform then only forgets the resource), and logs
// that it does.
func keptOnDestroy(ctx context.Context, prior *state) bool {
	if deletesOnDestroy(prior) {
		return false
	}
	tflog.Info(ctx, "delete_on_destroy is false: leaving the keys in etcd and forgetting etcd_prefix", map[string]any{"prefix": prior.Prefix})
	return true
}

// deletesOnDestroy reports whether destroy deletes prior's keys
// (delete_on_destroy unset or true).
func deletesOnDestroy(prior *state) bool {
	return prior.DeleteOnDestroy == nil || *prior.DeleteOnDestroy
}
