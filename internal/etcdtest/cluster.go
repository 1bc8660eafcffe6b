package etcdtest

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// Cluster is a multi-member embedded etcd cluster.
type Cluster struct {
	Members []*Server
	TLS     *Certs
	Auth    bool
}

// StartCluster starts n members and waits until all serve.
func StartCluster(n int, opts ...Option) (*Cluster, error) {
	o := Options{LogLevel: "warn"}
	for _, opt := range opts {
		opt(&o)
	}
	c := &Cluster{Auth: o.Auth}
	var peers []string
	for i := range n {
		mo := o
		mo.Name, mo.Dir, mo.ClientAddr, mo.Auth = fmt.Sprintf("m%d", i), "", "", false
		s := &Server{Name: mo.Name, opts: mo, logs: &logBuffer{}}
		if err := s.prepareDir(); err != nil {
			c.Cleanup()
			return nil, err
		}
		c.Members = append(c.Members, s)
		if err := s.allocateURLs(""); err != nil {
			c.Cleanup()
			return nil, err
		}
		peers = append(peers, s.Name+"="+s.peerURL.String())
	}
	if o.TLS {
		certs, err := GenerateCerts(filepath.Join(c.Members[0].opts.Dir, "certs"))
		if err != nil {
			c.Cleanup()
			return nil, err
		}
		c.TLS = certs
	}
	if err := c.startAll(strings.Join(peers, ",")); err != nil {
		c.Cleanup()
		return nil, err
	}
	if o.Auth {
		for _, m := range c.Members {
			m.Auth = true
		}
		if err := c.Members[0].enableAuth(); err != nil {
			c.Cleanup()
			return nil, err
		}
	}
	return c, nil
}

func (c *Cluster) startAll(initialCluster string) error {
	var waits []<-chan error
	for _, m := range c.Members {
		m.TLS = c.TLS
		m.cfg = m.config(initialCluster)
		ready, err := m.startAsync()
		if err != nil {
			return err
		}
		waits = append(waits, ready)
	}
	var errs []error
	for i, w := range waits {
		if err := <-w; err != nil {
			errs = append(errs, fmt.Errorf("member %s: %w\n%s", c.Members[i].Name, err, c.Members[i].Logs()))
		}
	}
	return errors.Join(errs...)
}

// Endpoints returns the client URLs of all members.
func (c *Cluster) Endpoints() []string {
	var eps []string
	for _, m := range c.Members {
		eps = append(eps, m.Endpoints...)
	}
	return eps
}

// ClientConfig returns an etcdclient.Config for all members.
func (c *Cluster) ClientConfig() etcdclient.Config {
	return clientConfig(c.Endpoints(), c.TLS, c.Auth)
}

// Leader returns the index of the member that is the leader, waiting up to
// 10 s for an election; -1 if none.
func (c *Cluster) Leader() int {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for i, m := range c.Members {
			if m.IsLeader() {
				return i
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return -1
}

// Follower returns the index of a running member that is not the leader.
func (c *Cluster) Follower() int {
	leader := c.Leader()
	for i, m := range c.Members {
		if i != leader && m.Running() {
			return i
		}
	}
	return -1
}

// Cleanup stops every member and removes their data.
func (c *Cluster) Cleanup() {
	for _, m := range c.Members {
		m.Cleanup()
	}
}

// Logs returns the logs of every member.
func (c *Cluster) Logs() string {
	var b strings.Builder
	for _, m := range c.Members {
		fmt.Fprintf(&b, "--- member %s ---\n%s", m.Name, m.Logs())
	}
	return b.String()
}
