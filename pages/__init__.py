"""The portal's shell: content pages, languages, form rendering and error pages."""
