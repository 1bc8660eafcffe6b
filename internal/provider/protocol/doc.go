// Package protocol holds what the resources served on terraform-plugin-go
// (etcd_prefix, etcd_key) share: diagnostics, the seam to the configured
// client (and the one decision, for the framework provider too, of whether
// the provider is configured), the RPCs the mux never routes to them, the
// object types derived from their schemas, state and identity decoding,
// and the texts they show users. It knows nothing of any one resource.
// DESIGN.md at the repository's root shows how it fits.
package protocol
