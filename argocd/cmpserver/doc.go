// Package cmpserver is `floe cmp-server`: a long-lived Argo CD config management plugin
// sidecar serving the v2 CMP gRPC service (argocd/cmpapi) in place of argocd-cmp-server
// plus `floe argocd generate`. One process: the policies compile once, the repository
// tarball is read into a bounded in-memory root (never onto disk) that indexes every
// entry but holds only the bytes of the files renders read (D-ARGO-08), and renders are
// cached by the digests of exactly the inputs they read (render.ReadSet), so an
// unchanged product costs the hashing of its read set. Requests run a bounded number at
// a time under the request's deadline, admitted only while the memory in use is under
// three quarters of the server's bound, and all cancelled (the server then exits) past
// it; every failure is an error, never an empty manifest list (D-ARGO-03, D-ARGO-04,
// D-ARGO-09).
package cmpserver
