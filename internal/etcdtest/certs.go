package etcdtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Certs are the files and PEM text of a generated test PKI: a CA, a server
// certificate for 127.0.0.1 and localhost, and a client certificate whose
// common name is "root" (etcd maps a client certificate's CN to a user).
type Certs struct {
	CAFile, ServerCertFile, ServerKeyFile, ClientCertFile, ClientKeyFile string
	CAPEM, ClientCertPEM, ClientKeyPEM                                   []byte
}

// GenerateCerts writes a fresh test PKI into dir.
func GenerateCerts(dir string) (*Certs, error) {
	return GenerateCertsForUser(dir, "root")
}

// GenerateCertsForUser is GenerateCerts with a client certificate for user.
func GenerateCertsForUser(dir, user string) (*Certs, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	ca, caKey, caPEM, err := newCA()
	if err != nil {
		return nil, err
	}
	c := &Certs{
		CAFile:         filepath.Join(dir, "ca.pem"),
		ServerCertFile: filepath.Join(dir, "server.pem"),
		ServerKeyFile:  filepath.Join(dir, "server-key.pem"),
		ClientCertFile: filepath.Join(dir, "client.pem"),
		ClientKeyFile:  filepath.Join(dir, "client-key.pem"),
		CAPEM:          caPEM,
	}
	serverCert, serverKey, err := newLeaf(ca, caKey, "etcd server", x509.ExtKeyUsageServerAuth)
	if err != nil {
		return nil, err
	}
	if c.ClientCertPEM, c.ClientKeyPEM, err = newLeaf(ca, caKey, user, x509.ExtKeyUsageClientAuth); err != nil {
		return nil, err
	}
	caKeyDER, err := x509.MarshalECPrivateKey(caKey)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{
		filepath.Join(dir, "ca-key.pem"): pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: caKeyDER}),
		c.CAFile:                         caPEM, c.ServerCertFile: serverCert, c.ServerKeyFile: serverKey,
		c.ClientCertFile: c.ClientCertPEM, c.ClientKeyFile: c.ClientKeyPEM,
	}
	for name, data := range files {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// ClientCertFor issues another client certificate from the same CA files,
// for a user whose name is the common name.
func (c *Certs) ClientCertFor(user string) (certPEM, keyPEM []byte, err error) {
	ca, caKey, err := c.loadCA()
	if err != nil {
		return nil, nil, err
	}
	return newLeaf(ca, caKey, user, x509.ExtKeyUsageClientAuth)
}

func nextSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return n
}

func newCA() (*x509.Certificate, *ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          nextSerial(),
		Subject:               pkix.Name{CommonName: "etcdtest CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, nil, err
	}
	return cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

func newLeaf(ca *x509.Certificate, caKey *ecdsa.PrivateKey, cn string, usage x509.ExtKeyUsage) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: nextSerial(),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
	}
	if usage == x509.ExtKeyUsageServerAuth {
		tmpl.DNSNames = []string{"localhost"}
		tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}

// ServerCert describes a server certificate to issue with IssueServerCert.
type ServerCert struct {
	// DNSNames and IPs the certificate is valid for; both empty means none.
	DNSNames []string
	IPs      []net.IP
	// NotBefore and NotAfter; zero means an hour ago and a day from now.
	NotBefore, NotAfter time.Time
}

// IssueServerCert issues a server certificate from the CA in c's directory
// and writes it as name.pem and name-key.pem there, for a test that needs a
// server certificate that is wrong in one way (expired, without an IP).
func (c *Certs) IssueServerCert(name string, sc ServerCert) (certFile, keyFile string, err error) {
	ca, caKey, err := c.loadCA()
	if err != nil {
		return "", "", err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", err
	}
	if sc.NotBefore.IsZero() {
		sc.NotBefore = time.Now().Add(-time.Hour)
	}
	if sc.NotAfter.IsZero() {
		sc.NotAfter = time.Now().Add(24 * time.Hour)
	}
	tmpl := &x509.Certificate{
		SerialNumber: nextSerial(),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    sc.NotBefore,
		NotAfter:     sc.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		DNSNames:     sc.DNSNames,
		IPAddresses:  sc.IPs,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return "", "", err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return "", "", err
	}
	dir := filepath.Dir(c.CAFile)
	certFile, keyFile = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+"-key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return "", "", err
	}
	return certFile, keyFile, nil
}

func (c *Certs) loadCA() (*x509.Certificate, *ecdsa.PrivateKey, error) {
	caPEM, err := os.ReadFile(c.CAFile)
	if err != nil {
		return nil, nil, err
	}
	keyData, err := os.ReadFile(filepath.Join(filepath.Dir(c.CAFile), "ca-key.pem"))
	if err != nil {
		return nil, nil, err
	}
	block, _ := pem.Decode(caPEM)
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, nil, err
	}
	kblock, _ := pem.Decode(keyData)
	caKey, err := x509.ParseECPrivateKey(kblock.Bytes)
	if err != nil {
		return nil, nil, err
	}
	return ca, caKey, nil
}
