package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(issue): placeholder until the owning issue lands.
func newCheckCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:    "check",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("check: not implemented yet")
		},
	}
}
