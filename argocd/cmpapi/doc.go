// Package cmpapi is the wire form of Argo CD's config management plugin gRPC service
// (v2 sidecar protocol, service plugin.ConfigManagementPluginService of argo-cd's
// cmpserver/apiclient/plugin.proto): the few messages floe's sidecar receives and
// sends, encoded and decoded by hand with protowire, and a gRPC codec and service
// description that carry them. No generated code and no argo-cd import: the main module
// stays free of argo-cd's dependency tree. Wire compatibility is proven in the e2e/argocd
// module against argo-cd's own generated client.
package cmpapi
