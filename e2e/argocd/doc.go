// Package argocde2e proves floe's Argo CD config management plugin against Argo CD's own
// CMP server code (github.com/argoproj/argo-cd/v3 v3.3.19: cmpserver/plugin,
// cmpserver/apiclient, util/cmp, util/app/discovery). It is a separate Go module because
// Argo CD's Kubernetes libraries conflict with the main module's Helm.
//
// The tests build the floe binary from the main module, serve argocd/plugin.yaml with
// the CMP service on a unix socket in a temporary directory, and drive it exactly as
// the repo-server does: discovery by socket, a repository tarball streamed with
// cmp.SendRepoStream, the build environment and plugin parameters encoded by Argo CD's
// own types.
//
// TestREADMEApplicationSet generates the README's ApplicationSet's Applications with
// Argo CD's types, git client (util/git) and refresh-path check (util/app/path).
package argocde2e
