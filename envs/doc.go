// Package envs knows interpreters and virtual environments: discovery,
// identification by probing, and venv create, check and delete.
package envs
