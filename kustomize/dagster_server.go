package kustomize

import "sigs.k8s.io/kustomize/kyaml/yaml"

// DagsterServer names the container-context variable of a container whose command
// and args run a Dagster code server ("dagster api grpc", "dagster code-server
// start"), or "" for any other container.
func DagsterServer(c *yaml.RNode) string { return dagsterServerContextVar(c.YNode()) }
