"""The command line face: `agilegov check | schema | evaluate | simulate | demo`."""
