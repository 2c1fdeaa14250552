package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(issue): placeholder until the owning issue lands.
func newArgoCDCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:    "argocd",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("argocd: not implemented yet")
		},
	}
}
