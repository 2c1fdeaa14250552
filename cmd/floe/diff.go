package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(issue): placeholder until the owning issue lands.
func newDiffCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:    "diff",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("diff: not implemented yet")
		},
	}
}
