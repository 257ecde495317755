// Command etcd runs the etcd server from go.etcd.io/etcd/server/v3 at the
// version that the pinned Kubernetes release itself depends on.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
