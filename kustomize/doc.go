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
// round trips): post-render of a 200-code-server stream costs about as much
// as a plain yaml.v3 decode and encode (see BenchmarkTelemetry and
// BenchmarkYAMLFloor).
package kustomize
