package key

import (
	"testing"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// A value_wo key that another etcd with the same cluster ID holds at the
// same mod revision, with another value, shows as drift: the fingerprint is
// checked on every refresh, not only when the mod revision moved.
func TestWriteOnlyDrift_sameRevisionOtherEtcd(t *testing.T) {
	srv := etcdtest.New(t)
	client := etcdtest.Client(t, srv.ClientConfig())
	conn := protocol.Conn{Client: client}
	srv2, ok := NewServer(func() (protocol.Conn, error) { return conn, nil }).(listServer)
	if !ok {
		t.Fatal("the etcd_key server does not serve list resources")
	}
	f := &fixture{t: t, server: srv2, client: client, key: "/app/password"}
	rs := f.mustApply(resourceState{}, &config{valueWO: ptr("prod-secret"), woVersion: ptr(int64(1))})
	if err := srv.StartAfresh(); err != nil {
		t.Fatal(err)
	}
	f.mustApply(resourceState{}, &config{valueWO: ptr("dev-secret"), woVersion: ptr(int64(1))}) // the same write, another value
	if got, want := f.held().ModRevision, *f.decoded(rs).ModRevision; got != want {
		t.Fatalf("mod revision %d, want the same %d", got, want)
	}
	rs, _ = f.read(rs)
	if w := readWriteOnly(rs.private); w == nil || !w.Drift {
		t.Fatalf("the other value at the same mod revision is not drift: %+v", w)
	}
}
