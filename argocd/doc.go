// Package argocd is floe's side of the Argo CD config management plugin (CMP) protocol.
//
// The floe sidecar runs `floe argocd generate` in the Application's directory with the
// environment Argo CD's repo-server sends: ARGOCD_APP_* build variables, the
// Application's plugin env as ARGOCD_ENV_*, and its plugin parameters as JSON in
// ARGOCD_APP_PARAMETERS and as PARAM_* variables. FromEnv turns that environment into
// render options; Parameters builds the dynamic parameter announcement. The package is
// pure: it reads no files and runs nothing. PluginYAML is the plugin.yaml the sidecar
// image ships, embedded so the binary and the tests agree on one file.
package argocd
