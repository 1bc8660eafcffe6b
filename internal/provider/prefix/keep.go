package prefix

import (
	"context"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// keptOnDestroy reports whether delete_on_destroy = false asks destroy to
// leave etcd untouched (Terraform then only forgets the resource), and logs
// that it does.
func keptOnDestroy(ctx context.Context, prior *state) bool {
	return protocol.KeptOnDestroy(ctx, prior.DeleteOnDestroy, TypeName, prior.Prefix)
}
