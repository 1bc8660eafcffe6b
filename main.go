package main

import (
	"flag"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider"
)

// version is set by goreleaser at release time.
var version = "dev"

// registryAddress is where the provider is published.
const registryAddress = "registry.terraform.io/terraform-etcd/etcd"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	quietUnlessAsked()
	collectLessGarbage()
	server, err := provider.NewServer(version)()
	if err != nil {
		log.Fatal(err)
	}
	stopProfile := startCPUProfile()
	err = tf6server.Serve(registryAddress, func() tfprotov6.ProviderServer { return server }, opts...)
	stopProfile()
	if err != nil {
		log.Fatal(err)
	}
}

// quietUnlessAsked turns the plugin SDKs' and the provider's logging off when
// Terraform was not asked for logs: without TF_LOG or TF_LOG_PROVIDER it
// discards them anyway, and formatting them costs up to 40 % of the
// provider's CPU (see BENCHMARKS.md).
func quietUnlessAsked() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_PROVIDER"} {
		if os.Getenv(name) == "" {
			_ = os.Setenv(name, "off")
		}
	}
}

// collectLessGarbage trades memory for CPU: a provider process lives for
// one Terraform command and its heap is small, while the plugin framework
// allocates heavily per request (garbage collection was a quarter of the
// provider's CPU in the 500-key benchmark). A soft memory limit keeps large
// etcd_prefix applies bounded. GOGC and GOMEMLIMIT still win when set.
func collectLessGarbage() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(384 << 20)
	}
}
