// Package protocol holds what the resources served on terraform-plugin-go
// (etcd_prefix, etcd_key) share: diagnostics, the seam to the configured
// client, the RPCs the mux never routes to them, state and identity
// decoding, and the texts they show users. It knows nothing of any one
// resource.
package protocol
