package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(issue): placeholder until the owning issue lands.
func newValidateCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:    "validate",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("validate: not implemented yet")
		},
	}
}
