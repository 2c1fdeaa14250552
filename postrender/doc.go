// Package postrender is `floe post-render`: floe as a Helm post-renderer for any chart
// (a third-party orchestrator chart such as Dagster's, or floe's own), under Helm 3
// (an executable on stdin/stdout) and Helm 4 (a postrenderer/v1 plugin, see
// PluginYAML). Renderer.Run has Helm's one-method PostRenderer signature.
//
// One pass, plain code (Renderer.Render):
//
//	stdin → kustomize.ParseStream (empty/comment documents dropped, Lists flattened)
//	      → owned objects: selected by --select, CRDs and custom resources excluded
//	      → kio filters: DropTestHooks, PodSecurity, then per identity (attribute):
//	        Labels, resourceAttrs, ServiceAccount (code locations), Telemetry (+ Dagster context)
//	      → kustomize.EmitStream (input order kept; Helm sorts for itself), while
//	        the policy gate judges the owned objects, decoded from the same nodes
//	        (level and contract exceptions)
//	      → stdout, only when nothing failed
//
// Who an object belongs to: with Options.Product (one product's chart) every selected
// object is that product's. Otherwise (a platform chart such as Dagster's) each Dagster
// code location is the product Options.Locations maps it to (D-PR-05; unmapped: an
// error with MapLocations, else unattributed with a warning), every other workload is
// a platform component with its own service name (D-PR-06), and the gate judges each
// product's objects and the platform's with their own parameters (Gate.RunParts).
//
// What it changes, and what it does not:
//   - Contract-owned values are enforced on every container of the owned workloads:
//     OTEL_EXPORTER_OTLP_ENDPOINT (+ _PROTOCOL), OPENLINEAGE_URL/_ENDPOINT (or
//     OPENLINEAGE_DISABLED), OTEL_SDK_DISABLED when tracing is off, FLOE_ENV, and with
//     --product OPENLINEAGE_NAMESPACE.
//   - Identity is only filled in: a chart's own OTEL_SERVICE_NAME is kept (the gate
//     reports it at strict unless the contract excepts it); OTEL_RESOURCE_ATTRIBUTES
//     keeps the chart's keys and gets floe's (product name/version, namespace, env).
//   - Labels and annotations are added, never overwritten (selectors stay valid). A
//     mapped code location's pods also run as the contract's service account without
//     a token (D-PR-05). Dagster code servers also get the variables in their container
//     context, so the runs they launch inherit them (none is added where Dagster's
//     chart left it out, D-PR-08).
//   - Weakened pod security is reset to the restricted values, what cannot be reset
//     is refused (D-SEC-06); missing settings and resources are NOT filled in: a
//     read-only root filesystem behind a chart's back would change how its pods run
//     and fail at start instead of at render. The policy gate judges them instead.
//   - CRDs and custom resources pass through untouched and are not judged; Helm test
//     hooks (helm.sh/hook: test*) are dropped (D-PR-03). Other hooks keep their
//     annotations; Helm 4's postrenderer.helm.sh/postrender-filename survives.
//
// The gate judges the owned objects with the product's telemetry and label rules;
// namespace and the product-version label are left to `floe check` on floe's own
// renders, and so are the service account and image registry except on mapped code
// locations (a platform's images are its own).
//
// Failing closed: bad input is exit 2, a denial exit 1, and in both cases nothing is
// written to stdout. Helm 3 drops a successful post-renderer's stderr and Helm 4 always
// drops a plugin's, so the command also keeps every run's warnings and errors in
// LogPath ($FLOE_POST_RENDER_LOG, else $TMPDIR/floe-UID/post-render.log) and names that
// file on stderr (D-PR-09). Output is deterministic and f(f(x)) == f(x).
package postrender
