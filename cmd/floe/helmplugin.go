package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(issue): placeholder until the owning issue lands.
func newHelmPluginCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:    "helmplugin",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("helmplugin: not implemented yet")
		},
	}
}
