package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/atomicwrite"
)

// newInitCmd is `floe init product DIR` and `floe init contract [--root DIR] DIR`.
func newInitCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init product|contract DIR",
		Short: "Write a commented, valid floe.yaml, or a contract and its platform Manifest",
		Long: `Init writes files that floe validate accepts, to edit from there. It never replaces a
file: when one it would write exists, nothing is written (exit 2).

  floe init product DIR    DIR/floe.yaml, the product named after DIR
  floe init contract DIR   DIR/contract.yaml and the platform Manifest it names,
                           DIR/manifest.yaml (named root-relative: --root, else the git
                           top-level of DIR, else the current directory)`,
	}
	var root string
	contract := &cobra.Command{
		Use:   "contract [--root DIR] DIR",
		Short: "Write DIR/contract.yaml and DIR/manifest.yaml",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInitContract(s, root, args[0])
		},
	}
	contract.Flags().StringVar(&root, "root", "", "the directory tree the contract's platformManifest.path is relative to (default: git top-level of DIR, else the current directory)")
	cmd.AddCommand(&cobra.Command{
		Use:   "product DIR",
		Short: "Write DIR/floe.yaml",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			abs, err := filepath.Abs(args[0])
			if err != nil {
				return diag.Usage(err)
			}
			return writeNew(s, args[0], map[string][]byte{"floe.yaml": config.TemplateProduct(filepath.Base(abs))})
		},
	}, contract)
	return cmd
}

func runInitContract(s *streams, rootFlag, dir string) error {
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	rootDir := rootFlag
	if rootDir == "" {
		rootDir = config.DefaultRoot(cwd, dir, os.Getenv)
	}
	if rootDir, err = filepath.Abs(rootDir); err != nil {
		return diag.Usage(err)
	}
	manifestRel, err := config.RootRel(rootDir, cwd, filepath.Join(dir, "manifest.yaml"))
	if err != nil {
		return diag.Usage(fmt.Errorf("init: %w", err))
	}
	return writeNew(s, dir, map[string][]byte{
		"contract.yaml": config.TemplateContract(manifestRel),
		"manifest.yaml": config.TemplateManifest(),
	})
}

// writeNew writes files (name → content) into dir, creating dir. Every file is staged
// first and put in place only when none exists, so either all are written or none.
func writeNew(s *streams, dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return diag.Usage(fmt.Errorf("init: %w", err))
	}
	var staged []*atomicwrite.File
	defer func() {
		for _, f := range staged {
			f.Abort() // after Commit it does nothing
		}
	}()
	var names []string
	for _, name := range []string{"floe.yaml", "contract.yaml", "manifest.yaml"} {
		data, ok := files[name]
		if !ok {
			continue
		}
		target := filepath.Join(dir, name)
		if _, err := os.Lstat(target); err == nil {
			return diag.Usage(fmt.Errorf("init: %s exists; not replacing it (nothing written)", target))
		} else if !errors.Is(err, fs.ErrNotExist) {
			return diag.Usage(fmt.Errorf("init: %w", err))
		}
		f, err := atomicwrite.StageFile(target, data, 0o644)
		if err != nil {
			return diag.Usage(fmt.Errorf("init: %w", err))
		}
		staged = append(staged, f)
		names = append(names, target)
	}
	for _, f := range staged {
		if err := f.Commit(); err != nil {
			return fmt.Errorf("init: %w", err)
		}
	}
	for _, n := range names {
		fmt.Fprintf(s.Out, "wrote %s\n", n)
	}
	return nil
}
