"""Settings modules: `base` runs anywhere with embedded defaults, `production` hardens it."""
