package provider

import (
	"net"
	"strings"
	"testing"
	"time"
)

// silentListener accepts TCP connections and never answers: the worst kind
// of unreachable etcd, since the connection itself succeeds.
func silentListener(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				_ = c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c) // held open, never read or written
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		<-done
	})
	return l.Addr().String()
}

// A plan against an endpoint that accepts connections but never answers
// fails within dial_timeout + request_timeout plus a margin, naming the
// endpoint. RELIABILITY.md records the measured time.
func TestAccTimeout_silentEndpoint(t *testing.T) {
	t.Parallel()
	addr := silentListener(t)
	w := newWorkdir(t, readKeyConfig(`endpoints = ["`+addr+`"]`+"\n"+`dial_timeout = "1s"`+"\n"+`request_timeout = "2s"`, "/k"))
	start := time.Now()
	out, err := w.run("plan", "-input=false", "-no-color")
	took := time.Since(start)
	t.Logf("plan against a silent endpoint failed after %v (dial_timeout 1s + request_timeout 2s)", took.Round(10*time.Millisecond))
	if err == nil {
		t.Fatalf("plan succeeded against a silent endpoint:\n%s", out)
	}
	if !strings.Contains(out, addr) {
		t.Fatalf("the error does not name the endpoint %s:\n%s", addr, out)
	}
	// 3s of timeouts; tofu's own start-up and a loaded 2-core machine get a
	// generous margin, but a hang would blow far past it.
	if took > 15*time.Second {
		t.Fatalf("plan took %v; want about dial_timeout + request_timeout", took)
	}
}
