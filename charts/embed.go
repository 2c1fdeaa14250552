// Package charts embeds floe's own Helm charts: floe-dagster (one product's Dagster code
// location, D-RND-06) and floe-jobs (one product's dbt CronJob or Job,
// D-RND-08). Each is a complete chart that `helm template charts/<name>` accepts on its own;
// `floe render` loads them from this embedded copy and renders them with Helm's engine in
// process, with values it computes.
package charts

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
)

//go:embed all:floe-dagster all:floe-jobs
var files embed.FS

// Names of the embedded charts.
const (
	Dagster = "floe-dagster"
	Jobs    = "floe-jobs"
)

// Names lists the embedded charts, sorted.
func Names() []string { return []string{Dagster, Jobs} }

// FS returns the embedded chart files; chart <name> is under directory <name>.
func FS() fs.FS { return files }

// Load parses the named embedded chart. Callers that render many products load once
// and reuse the *chart.Chart (it is not modified by rendering).
func Load(name string) (*chart.Chart, error) {
	var bufs []*loader.BufferedFile
	err := fs.WalkDir(files, name, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(files, p)
		if err != nil {
			return err
		}
		bufs = append(bufs, &loader.BufferedFile{Name: strings.TrimPrefix(p, name+"/"), Data: data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("chart %s: %w", name, err)
	}
	if len(bufs) == 0 {
		return nil, fmt.Errorf("chart %s: not embedded", name)
	}
	c, err := loader.LoadFiles(bufs)
	if err != nil {
		return nil, fmt.Errorf("chart %s: %w", path.Clean(name), err)
	}
	return c, nil
}
