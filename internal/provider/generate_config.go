package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// defaultsLeftOut serves the framework provider with one change to its
// GenerateResourceConfig, which Terraform 1.14+ calls for `plan
// -generate-config-out` and `terraform query -generate-config-out`: an
// optional and computed attribute at its schema default (etcd_user's
// no_password = false and roles = [], etcd_lease's refresh_keepalive =
// false) is returned as null, and Terraform leaves null computed
// attributes out of the configuration it writes. (The framework returns
// the state as it is; OpenTofu and older Terraform do not ask.)
type defaultsLeftOut struct {
	frameworkServer
	// resources holds, by resource type, the object type and the default
	// of each optional and computed attribute that has one.
	resources map[string]resourceDefaults
}

// frameworkServer is what the framework's protocol 6 server implements:
// the mux offers list resources, actions and state stores only of servers
// that implement their optional interfaces, so the wrapper must too.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

var _ frameworkServer = defaultsLeftOut{}

type resourceDefaults struct {
	objectType tftypes.Object
	defaults   map[string]tftypes.Value
}

// leaveDefaultsOut wraps the framework provider p's server (served as it
// is should it ever lack one of frameworkServer's methods).
func leaveDefaultsOut(ctx context.Context, server tfprotov6.ProviderServer, p *etcdProvider) tfprotov6.ProviderServer {
	full, ok := server.(frameworkServer)
	if !ok {
		return server
	}
	s := defaultsLeftOut{frameworkServer: full, resources: map[string]resourceDefaults{}}
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "etcd"}, &meta)
		var sch resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &sch)
		rd := resourceDefaults{defaults: map[string]tftypes.Value{}}
		rd.objectType, _ = sch.Schema.Type().TerraformType(ctx).(tftypes.Object)
		for name, attr := range sch.Schema.Attributes {
			if v, ok := staticDefault(ctx, attr); ok && attr.IsOptional() && attr.IsComputed() {
				rd.defaults[name] = v
			}
		}
		if len(rd.defaults) > 0 {
			s.resources[meta.TypeName] = rd
		}
	}
	return s
}

// staticDefault is the default of a bool, string, number or set attribute
// that has one.
func staticDefault(ctx context.Context, attr schema.Attribute) (tftypes.Value, bool) {
	switch a := attr.(type) {
	case schema.BoolAttribute:
		if a.Default != nil {
			var resp defaults.BoolResponse
			a.Default.DefaultBool(ctx, defaults.BoolRequest{}, &resp)
			v, err := resp.PlanValue.ToTerraformValue(ctx)
			return v, err == nil && !resp.Diagnostics.HasError()
		}
	case schema.Int64Attribute:
		if a.Default != nil {
			var resp defaults.Int64Response
			a.Default.DefaultInt64(ctx, defaults.Int64Request{}, &resp)
			v, err := resp.PlanValue.ToTerraformValue(ctx)
			return v, err == nil && !resp.Diagnostics.HasError()
		}
	case schema.StringAttribute:
		if a.Default != nil {
			var resp defaults.StringResponse
			a.Default.DefaultString(ctx, defaults.StringRequest{}, &resp)
			v, err := resp.PlanValue.ToTerraformValue(ctx)
			return v, err == nil && !resp.Diagnostics.HasError()
		}
	case schema.SetAttribute:
		if a.Default != nil {
			var resp defaults.SetResponse
			a.Default.DefaultSet(ctx, defaults.SetRequest{}, &resp)
			v, err := resp.PlanValue.ToTerraformValue(ctx)
			return v, err == nil && !resp.Diagnostics.HasError()
		}
	}
	return tftypes.Value{}, false
}

func (s defaultsLeftOut) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	resp, err := s.frameworkServer.GenerateResourceConfig(ctx, req)
	rd, ok := s.resources[req.TypeName]
	if err != nil || resp == nil || resp.Config == nil || !ok {
		return resp, err
	}
	if dv, ok := rd.leaveOut(resp.Config); ok {
		resp.Config = dv
	}
	return resp, nil
}

// leaveOut returns config with the attributes at their default null, and
// false when config cannot be read (then what the framework generated
// stays, defaults and all).
func (rd resourceDefaults) leaveOut(config *tfprotov6.DynamicValue) (*tfprotov6.DynamicValue, bool) {
	v, err := config.Unmarshal(rd.objectType)
	var attrs map[string]tftypes.Value
	if err != nil || v.As(&attrs) != nil || attrs == nil {
		return nil, false
	}
	for name, def := range rd.defaults {
		if attrs[name].Equal(def) {
			attrs[name] = tftypes.NewValue(def.Type(), nil)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(rd.objectType, tftypes.NewValue(rd.objectType, attrs))
	return &dv, err == nil
}
