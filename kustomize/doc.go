// Package kustomize holds floe's kio.Filters — one small filter per concern —
// over a stream of kyaml *yaml.RNode, plus the stream reader and writer they
// run between. Two callers use them: render (floe's own chart output, finished
// with Canonical) and floe post-render (any chart's output, e.g. Dagster's,
// kept in its own document order).
//
//	nodes, err := kustomize.ParseStream(helmOutput)
//	nodes, err = kustomize.Pipeline(
//		kustomize.Labels{Labels: productLabels, Selector: "app.kubernetes.io/instance=customer-360"},
//		kustomize.PodSecurity{},
//		kustomize.Telemetry{Enforce: contractEnv, Defaults: productEnv},
//	).Filter(nodes)
//	out, err := kustomize.EmitStream(nodes)
//
// Workload filters find pod templates with FindWorkload (Pod, Deployment,
// StatefulSet, DaemonSet, ReplicaSet, Job, CronJob and custom resources at
// yaml.ConventionalContainerPaths) and take a label Selector matched against
// object or pod-template labels. Filters only add or fill in; they never
// remove a key. Every filter is idempotent: f(f(x)) == f(x).
//
// The filters walk *yaml.Node directly (no yaml.Lookup pipes, no String
// round trips) and EmitStream uses one yaml.v3 encoder per document, so
// parsing and encoding dominate: on a 250 KB stream of 200 Dagster code
// servers, Telemetry costs about 1.5x and the whole post-render chain under
// 2x the CPU of a plain yaml.v3 decode and encode (BenchmarkTelemetry,
// BenchmarkPostRender, BenchmarkYAMLFloor; compare cpu-ns/op).
package kustomize
