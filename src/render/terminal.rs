//! Stage 6, rendering: terminal styling. Whether to colour follows anstream's rules for the
//! stream (a terminal, `NO_COLOR`, `CLICOLOR_FORCE`); the styles are anstyle's.

use anstyle::{AnsiColor, Effects, Style};

/// Styles for a terminal view; plain when colour is off.
#[derive(Clone, Copy, Debug)]
pub struct Paint {
    on: bool,
}

impl Paint {
    /// Colour when stdout is a terminal that wants it.
    pub fn for_stdout() -> Self {
        Paint::new(anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never)
    }

    /// Colour on or off.
    pub fn new(on: bool) -> Self {
        Paint { on }
    }

    /// Whether colour is on.
    pub fn on(&self) -> bool {
        self.on
    }

    fn wrap(&self, style: Style, s: &str) -> String {
        if self.on {
            format!("{}{s}{}", style.render(), style.render_reset())
        } else {
            s.to_string()
        }
    }

    /// Deleted text: red and struck through, or `[-text-]` without colour.
    pub fn del(&self, s: &str) -> String {
        if self.on {
            let st = Style::new()
                .fg_color(Some(AnsiColor::Red.into()))
                .effects(Effects::STRIKETHROUGH);
            self.wrap(st, s)
        } else {
            format!("[-{s}-]")
        }
    }

    /// Inserted text: green and underlined, or `{+text+}` without colour.
    pub fn ins(&self, s: &str) -> String {
        if self.on {
            let st = Style::new()
                .fg_color(Some(AnsiColor::Green.into()))
                .effects(Effects::UNDERLINE);
            self.wrap(st, s)
        } else {
            format!("{{+{s}+}}")
        }
    }

    /// A heading line.
    pub fn bold(&self, s: &str) -> String {
        self.wrap(Style::new().bold(), s)
    }

    /// Something to read past.
    pub fn dim(&self, s: &str) -> String {
        self.wrap(Style::new().dimmed(), s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_colour_changes_are_bracketed() {
        let p = Paint::new(false);
        assert_eq!(p.del("skall"), "[-skall-]");
        assert_eq!(p.ins("ska"), "{+ska+}");
        assert_eq!(p.bold("x"), "x");
    }

    #[test]
    fn with_colour_the_text_is_wrapped_and_reset() {
        let p = Paint::new(true);
        let d = p.del("skall");
        assert!(d.starts_with('\x1b') && d.contains("skall") && d.ends_with('m'));
        assert!(!d.contains("[-"));
    }
}
