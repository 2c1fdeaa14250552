package kustomize

import "testing"

func TestDropTestHooks(t *testing.T) {
	fltRun(t, map[string]fltCase{
		"test hooks go, other hooks and objects stay": {
			f: DropTestHooks{},
			in: `
kind: Pod
metadata:
  name: test
  annotations:
    helm.sh/hook: test
---
kind: Pod
metadata:
  name: legacy-test
  annotations:
    helm.sh/hook: "pre-install, test-success"
---
kind: Job
metadata:
  name: migrate
  annotations:
    helm.sh/hook: pre-upgrade
---
kind: ConfigMap
metadata:
  name: c
`,
			want: `
kind: Job
metadata:
  name: migrate
  annotations:
    helm.sh/hook: pre-upgrade
---
kind: ConfigMap
metadata:
  name: c
`,
		},
	})
}

func TestCronJobTimeZone(t *testing.T) {
	fltRun(t, map[string]fltCase{
		"cronjobs only": {
			f: CronJobTimeZone{TimeZone: "Europe/Berlin"},
			in: `
kind: CronJob
metadata:
  name: c
spec:
  schedule: "0 2 * * *"
  timeZone: UTC
  jobTemplate: {spec: {template: {spec: {containers: []}}}}
---
kind: Job
metadata:
  name: j
spec:
  template: {spec: {containers: []}}
`,
			want: `
kind: CronJob
metadata:
  name: c
spec:
  schedule: "0 2 * * *"
  timeZone: Europe/Berlin
  jobTemplate: {spec: {template: {spec: {containers: []}}}}
---
kind: Job
metadata:
  name: j
spec:
  template: {spec: {containers: []}}
`,
		},
		"empty zone":   {f: CronJobTimeZone{}, in: "kind: CronJob\n", err: `time zone ""`},
		"path-like":    {f: CronJobTimeZone{TimeZone: "../../etc/passwd"}, in: "kind: CronJob\n", err: "not an IANA zone name"},
		"with a space": {f: CronJobTimeZone{TimeZone: "Europe/ Berlin"}, in: "kind: CronJob\n", err: "not an IANA zone name"},
	})
}
