package protocol

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// ImportBlock shows the import block that adopts id as a typeName resource.
func ImportBlock(typeName, id string) string {
	return fmt.Sprintf("  import {\n    to = %s.<name>\n    id = %q\n  }", typeName, id)
}

// ExistsDetail explains that a create found what it was to create already
// in etcd (subject says what, such as `The key "/a" already exists in
// etcd`), and how to import it instead.
func ExistsDetail(subject, typeName, id string) string {
	return subject + ", so it was left alone. To manage it with Terraform, import it with an import block " +
		"(it works in OpenTofu and Terraform), naming this resource:\n" + ImportBlock(typeName, id)
}

// JoinAnd joins words as "a, b and c".
func JoinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// DeletesOnDestroy reports whether destroy deletes from etcd:
// delete_on_destroy unset (nil) or true.
func DeletesOnDestroy(deleteOnDestroy *bool) bool {
	return deleteOnDestroy == nil || *deleteOnDestroy
}

// KeptOnDestroy reports whether delete_on_destroy = false (deleteOnDestroy
// nil when unset) asks destroy to leave etcd untouched, and logs that it
// does: Terraform then only forgets the resource.
func KeptOnDestroy(ctx context.Context, deleteOnDestroy *bool, typeName, id string) bool {
	if DeletesOnDestroy(deleteOnDestroy) {
		return false
	}
	tflog.Info(ctx, "delete_on_destroy is false: leaving etcd untouched and forgetting the resource", map[string]any{"type": typeName, "id": id})
	return true
}
