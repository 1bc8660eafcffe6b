package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/tuning"
)

// version is set by goreleaser at release time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	stopTuning := tuning.Apply()
	server, err := provider.NewServer(version)()
	if err != nil {
		log.Fatal(err)
	}
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err = tf6server.Serve("registry.terraform.io/terraform-etcd/etcd", func() tfprotov6.ProviderServer { return server }, opts...)
	stopTuning()
	if err != nil {
		log.Fatal(err)
	}
}
