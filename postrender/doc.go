// Package postrender is `floe post-render`: floe as a Helm post-renderer for any chart
// (a third-party orchestrator chart such as Dagster's, or floe's own), under Helm 3
// (an executable on stdin/stdout) and Helm 4 (a postrenderer/v1 plugin, see
// PluginYAML). Renderer.Run has Helm's one-method PostRenderer signature.
//
// One pass, plain code (Renderer.Render):
//
//	stdin → kustomize.ParseStream (empty/comment documents dropped, Lists flattened)
//	      → owned objects: selected by --select, CRDs and custom resources excluded
//	      → kio filters: DropTestHooks, Labels, resourceAttrs, Telemetry (+ Dagster context)
//	      → kustomize.EmitStream (input order kept; Helm sorts for itself), while
//	        the policy gate judges the owned objects, decoded from the same nodes
//	        (level and contract exceptions)
//	      → stdout, only when nothing failed
//
// What it changes, and what it does not:
//   - Contract-owned values are enforced on every container of the owned workloads:
//     OTEL_EXPORTER_OTLP_ENDPOINT (+ _PROTOCOL), OPENLINEAGE_URL/_ENDPOINT (or
//     OPENLINEAGE_DISABLED), OTEL_SDK_DISABLED when tracing is off, FLOE_ENV, and with
//     --product OPENLINEAGE_NAMESPACE.
//   - Identity is only filled in: a chart's own OTEL_SERVICE_NAME is kept (the gate
//     reports it at strict unless the contract excepts it); OTEL_RESOURCE_ATTRIBUTES
//     keeps the chart's keys and gets floe's (product name/version, namespace, env).
//   - Labels and annotations are added, never overwritten (selectors stay valid);
//     nothing else of an object changes. Dagster code servers also get the variables
//     in their container context, so the runs they launch inherit them.
//   - Pod security and resources are NOT rewritten: filling in runAsNonRoot or a
//     read-only root filesystem behind a chart's back would change how its pods run
//     and fail at start instead of at render. The policy gate judges them instead.
//   - CRDs and custom resources pass through untouched and are not judged; Helm test
//     hooks (helm.sh/hook: test*) are dropped (D-PR-03). Other hooks keep their
//     annotations; Helm 4's postrenderer.helm.sh/postrender-filename survives.
//
// The gate judges the owned objects with the product's telemetry and label rules;
// namespace, service account, image registry and the product-version label are left
// to `floe check` on floe's own renders (a chart's images and version are its own).
//
// Failing closed: bad input is exit 2, a denial exit 1, and in both cases nothing is
// written to stdout. Helm 4 drops a plugin's stderr, so the command also writes the
// diagnostics to LogPath ($FLOE_POST_RENDER_LOG, else $TMPDIR/floe-UID/post-render.log)
// and names that file on stderr. Output is deterministic and f(f(x)) == f(x).
package postrender
