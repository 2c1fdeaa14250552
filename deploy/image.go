// Package deploy names what floe's install files in this directory share: the Argo CD
// sidecar image's placeholder reference. deploy/argocd-cmp, deploy/argocd-helm and the
// Makefile's IMAGE (which `make image` records in its OCI layout) all use it; their tests
// compare against this constant, so a rename is made in one place and caught everywhere.
package deploy

// Image is the sidecar image reference users replace with their own (kustomize
// `images:`, the Helm value repoServer.extraContainers[0].image).
const Image = "ghcr.io/floe-dev/floe-argocd-cmp:dev"
