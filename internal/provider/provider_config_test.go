package provider

import (
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// readKeyConfig is a config whose plan needs etcd: it reads one key.
func readKeyConfig(providerBody, key string) string {
	return requiredProviders("etcd") + "provider \"etcd\" {\n" + providerBody + "\n}\n" +
		"data \"etcd_key\" \"probe\" {\n  key = \"" + key + "\"\n  must_exist = false\n}\n"
}

// The ETCDCTL_* variables etcdctl users already have configure the provider.
func TestAccProvider_environmentFallback(t *testing.T) {
	e := sharedEtcd(t)
	e.put(t, e.prefix+"k", "from env")
	t.Setenv("ETCDCTL_ENDPOINTS", strings.Join(e.cfg.Endpoints, ","))
	t.Setenv("ETCDCTL_DIAL_TIMEOUT", "3s")
	t.Setenv("ETCDCTL_COMMAND_TIMEOUT", "7s")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: readKeyConfig("", e.prefix+"k"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.etcd_key.probe", tfjsonpath.New("value"), knownvalue.StringExact("from env")),
			},
		}},
	})
}

// ETCDCTL_USER may carry the password as user:password, as etcdctl allows.
func TestAccProvider_environmentUserPassword(t *testing.T) {
	s := etcdtest.New(t, etcdtest.WithAuth())
	t.Setenv("ETCDCTL_ENDPOINTS", strings.Join(s.Endpoints, ","))
	t.Setenv("ETCDCTL_USER", "root:"+etcdtest.RootPassword)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				Config: readKeyConfig("", "/k"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.etcd_key.probe", tfjsonpath.New("exists"), knownvalue.Bool(false)),
				},
			},
		},
	})
	t.Setenv("ETCDCTL_USER", "root:wrong")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config:      readKeyConfig("", "/k"),
			ExpectError: regexp.MustCompile(`authentication failed for user\s+"root"`),
		}},
	})
}

func TestAccProvider_environmentInvalid(t *testing.T) {
	t.Setenv("ETCDCTL_ENDPOINTS", "127.0.0.1:1")
	t.Setenv("ETCDCTL_DIAL_TIMEOUT", "notaduration")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config:      readKeyConfig("", "/k"),
			ExpectError: regexp.MustCompile(`(?s)Invalid duration.*ETCDCTL_DIAL_TIMEOUT.*not a duration`),
		}},
	})
}

// Bad provider settings are diagnostics that name the attribute, found
// before anything is sent to etcd.
func TestAccProvider_invalidSettings(t *testing.T) {
	cases := map[string]struct{ body, want string }{
		"bad PEM":             {`ca_cert = "not a certificate"`, `(?s)Invalid PEM.*ca_cert.*no PEM block found`},
		"PEM and file":        {`ca_cert_file = "/tmp/ca.pem"` + "\n" + `ca_cert = "x"`, `(?s)ca_cert_file.*cannot be specified when.*ca_cert`},
		"key without cert":    {`client_key_file = "/tmp/key.pem"`, `(?s)Client key without certificate.*client_key.*client_cert`},
		"cert without key":    {`client_cert_file = "/tmp/cert.pem"`, `(?s)Client certificate without key`},
		"bad duration":        {`dial_timeout = "5 parsecs"`, `(?s)Invalid duration.*not a duration`},
		"zero duration":       {`request_timeout = "0s"`, `(?s)Invalid duration.*longer than zero`},
		"endpoint not URL":    {`endpoints = ["etcd.example.com"]`, `(?s)Invalid etcd endpoint.*has no port.*host:port`},
		"endpoint bad scheme": {`endpoints = ["ftp://etcd:2379"]`, `(?s)Invalid etcd endpoint.*scheme "ftp"`},
		"endpoint bad port":   {`endpoints = ["etcd:99999"]`, `(?s)Invalid etcd endpoint.*port "99999"`},
		"no endpoints":        {`endpoints = []`, `(?s)endpoints.*at least 1`},
		"max_txn_ops":         {`max_txn_ops = 0`, `(?s)max_txn_ops.*at least 1`},
		"password no user":    {`password = "secret"`, `(?s)Password without username`},
		"keepalive too short": {`keepalive_time = "2s"`, `(?s)Keepalive time too short.*at least "10s"`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(),
				Steps: []resource.TestStep{{
					Config:      readKeyConfig(c.body, "/k"),
					ExpectError: regexp.MustCompile(c.want),
				}},
			})
		})
	}
}

// An endpoint where nothing listens fails the plan within the timeouts,
// with one error that names the endpoint.
func TestAccProvider_unreachableEndpoint(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()       // nothing listens there now
	var start time.Time // set when the step starts: ParallelTest first waits for its turn
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			PreConfig:   func() { start = time.Now() },
			Config:      readKeyConfig(`endpoints = ["`+addr+`"]`+"\n"+`dial_timeout = "1s"`+"\n"+`request_timeout = "2s"`, "/k"),
			ExpectError: regexp.MustCompile(`(?s)no answer from endpoints\s+` + regexp.QuoteMeta(addr)),
		}},
	})
	took := time.Since(start)
	t.Logf("unreachable endpoint: the test case (plan and its checks) failed after %v", took.Round(10*time.Millisecond))
	if took > 30*time.Second {
		t.Fatalf("the plan took %v to fail; want about dial_timeout + request_timeout", took)
	}
}

// A provider whose configuration is unknown at plan time (here, endpoints
// from a resource not yet created) plans without crashing or dialing.
func TestAccProvider_unknownConfiguration(t *testing.T) {
	e := sharedEtcd(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories("etcd", "etcdlater"),
		Steps: []resource.TestStep{{
			Config: requiredProviders("etcd", "etcdlater") + providerBlock("etcd", e.cfg) + `
resource "etcd_key" "endpoint" {
  key   = "` + e.prefix + `endpoint"
  value = "` + e.cfg.Endpoints[0] + `"
}

provider "etcdlater" {
  endpoints = [etcd_key.endpoint.value]
}

resource "etcd_key" "later" {
  provider = etcdlater
  key      = "` + e.prefix + `later"
  value    = "written through a provider configured at apply"
}
`,
			Check: e.expectValue(t, e.prefix+"later", "written through a provider configured at apply"),
		}},
	})
}
