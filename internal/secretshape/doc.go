// Package secretshape is floe's one list of what a secret looks like: the key and
// variable names that say a value is secret, and the shapes of key material that give a
// value away whatever key holds it (bearer and basic credentials, JWTs, PEM blocks, AWS
// access key ids, GitHub, GitLab and Slack tokens, URLs with credentials). Everything
// floe prints or records — diffs, evidence, policy findings, error messages — asks this
// package, so a pattern added here is honoured everywhere.
package secretshape
