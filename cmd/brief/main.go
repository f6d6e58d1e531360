// Command brief turns a folder of Danish news articles into an English briefing.
package main

import (
	"os"

	"github.com/brief-news/brief/internal/cli"
)

func main() { os.Exit(cli.Main()) }
