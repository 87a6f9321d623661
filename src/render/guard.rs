//! Stage 6, rendering: guards around templates a user may supply. A macro or include that
//! calls itself is refused before anything renders (it would exhaust the stack, which no
//! thread can survive); everything else renders on a worker thread with a fixed stack and
//! under a deadline, so an endless loop is an error naming its template.

use super::{Limits, RenderError, Templates};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Instant;
use tera::ast::{Expr, ExprVal, Node};
use tera::{Context, Tera};

/// A place code runs from: a template's body, or one of its macros.
type Scope = (String, Option<String>);

fn show(s: &Scope) -> String {
    match &s.1 {
        Some(m) => format!("{}::{m}", s.0),
        None => s.0.clone(),
    }
}

/// Collects the scopes a piece of template calls: macros (through `self::` or an imported
/// namespace) and included templates.
struct Calls<'a> {
    file: &'a str,
    imports: &'a BTreeMap<String, String>,
    out: BTreeSet<Scope>,
}

impl Calls<'_> {
    fn nodes(&mut self, nodes: &[Node]) {
        for n in nodes {
            self.node(n);
        }
    }

    fn node(&mut self, n: &Node) {
        match n {
            Node::VariableBlock(_, e) => self.expr(e),
            Node::Set(_, s) => self.expr(&s.value),
            Node::Include(_, names, _) => {
                for name in names {
                    self.out.insert((name.clone(), None));
                }
            }
            Node::FilterSection(_, f, _) => {
                for e in f.filter.args.values() {
                    self.expr(e);
                }
                self.nodes(&f.body);
            }
            Node::Block(_, b, _) => self.nodes(&b.body),
            Node::Forloop(_, f, _) => {
                self.expr(&f.container);
                self.nodes(&f.body);
                if let Some(e) = &f.empty_body {
                    self.nodes(e);
                }
            }
            Node::If(i, _) => {
                for (_, e, body) in &i.conditions {
                    self.expr(e);
                    self.nodes(body);
                }
                if let Some((_, body)) = &i.otherwise {
                    self.nodes(body);
                }
            }
            // Macro bodies are scopes of their own.
            _ => {}
        }
    }

    fn val(&mut self, v: &ExprVal) {
        match v {
            ExprVal::MacroCall(m) => {
                let file = if m.namespace == "self" {
                    Some(self.file.to_string())
                } else {
                    self.imports.get(&m.namespace).cloned()
                };
                if let Some(file) = file {
                    self.out.insert((file, Some(m.name.clone())));
                }
                for e in m.args.values() {
                    self.expr(e);
                }
            }
            ExprVal::FunctionCall(f) => {
                for e in f.args.values() {
                    self.expr(e);
                }
            }
            ExprVal::Math(m) => {
                self.expr(&m.lhs);
                self.expr(&m.rhs);
            }
            ExprVal::Logic(l) => {
                self.expr(&l.lhs);
                self.expr(&l.rhs);
            }
            ExprVal::In(i) => {
                self.expr(&i.lhs);
                self.expr(&i.rhs);
            }
            ExprVal::Test(t) => {
                for e in &t.args {
                    self.expr(e);
                }
            }
            ExprVal::Array(a) => {
                for e in a {
                    self.expr(e);
                }
            }
            ExprVal::StringConcat(c) => {
                for v in &c.values {
                    self.val(v);
                }
            }
            _ => {}
        }
    }

    fn expr(&mut self, e: &Expr) {
        self.val(&e.val);
        for f in &e.filters {
            for a in f.args.values() {
                self.expr(a);
            }
        }
    }
}

/// Refuses a macro or include that reaches itself, directly or through others.
pub(super) fn no_recursion(tera: &Tera) -> Result<(), RenderError> {
    let mut graph: BTreeMap<Scope, BTreeSet<Scope>> = BTreeMap::new();
    for name in tera.get_template_names() {
        let Ok(t) = tera.get_template(name) else {
            continue;
        };
        let imports: BTreeMap<String, String> = t
            .imported_macro_files
            .iter()
            .map(|(file, ns)| (ns.clone(), file.clone()))
            .collect();
        let scan = |body: &[Node]| {
            let mut c = Calls {
                file: name,
                imports: &imports,
                out: BTreeSet::new(),
            };
            c.nodes(body);
            c.out
        };
        graph.insert((name.to_string(), None), scan(&t.ast));
        for (m, def) in &t.macros {
            graph.insert((name.to_string(), Some(m.clone())), scan(&def.body));
        }
    }
    // Depth-first search; a scope met again on the current path closes a cycle.
    let mut done: BTreeSet<Scope> = BTreeSet::new();
    for start in graph.keys() {
        let mut path: Vec<Scope> = Vec::new();
        if let Some(cycle) = visit(start, &graph, &mut path, &mut done) {
            return Err(RenderError::Recursion {
                name: cycle[0].0.clone(),
                chain: cycle.iter().map(show).collect::<Vec<_>>().join(" → "),
            });
        }
    }
    Ok(())
}

fn visit(
    at: &Scope,
    graph: &BTreeMap<Scope, BTreeSet<Scope>>,
    path: &mut Vec<Scope>,
    done: &mut BTreeSet<Scope>,
) -> Option<Vec<Scope>> {
    if let Some(i) = path.iter().position(|s| s == at) {
        let mut cycle = path[i..].to_vec();
        cycle.push(at.clone());
        return Some(cycle);
    }
    if done.contains(at) {
        return None;
    }
    path.push(at.clone());
    for next in graph.get(at).into_iter().flatten() {
        if let Some(c) = visit(next, graph, path, done) {
            return Some(c);
        }
    }
    path.pop();
    done.insert(at.clone());
    None
}

enum Msg {
    Start(&'static str),
    Done(Result<String, RenderError>),
}

/// Renders every (template, context) on a worker thread, in order, by `end` (one deadline
/// for the several rounds a build renders its pages in). The first error stops the rest; a
/// deadline or a crash is an error naming the template being rendered. Each context is let
/// go on the worker as soon as its page is rendered, so a round holds no context longer
/// than it needs to, and a caller that kept its own reference to the last one gets it
/// back without a copy.
pub(super) fn render_until(
    templates: &Templates,
    jobs: Vec<(&'static str, std::sync::Arc<Context>)>,
    limits: Limits,
    end: Instant,
) -> Result<Vec<String>, RenderError> {
    let n = jobs.len();
    let templates = templates.clone();
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("remiss-render".into())
        .stack_size(limits.stack)
        .spawn(move || {
            for (name, ctx) in jobs {
                if tx.send(Msg::Start(name)).is_err() {
                    return;
                }
                let r = templates.render(name, &ctx);
                drop(ctx);
                if tx.send(Msg::Done(r)).is_err() {
                    return;
                }
            }
        })
        .map_err(|source| RenderError::Io {
            path: "(rendering thread)".into(),
            source,
        })?;
    let mut current = "";
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        // On a deadline the thread is left behind: it stops at its next message, or with
        // the process, and nothing it renders is used.
        match rx.recv_timeout(end.saturating_duration_since(Instant::now())) {
            Ok(Msg::Start(name)) => current = name,
            Ok(Msg::Done(r)) => out.push(r?),
            Err(RecvTimeoutError::Timeout) => {
                return Err(RenderError::Deadline {
                    name: current.to_string(),
                    seconds: limits.deadline.as_secs(),
                });
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(RenderError::Crashed {
                    name: current.to_string(),
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(templates: &[(&str, &str)]) -> Tera {
        let mut t = Tera::default();
        t.add_raw_templates(templates.to_vec()).unwrap();
        t
    }

    #[test]
    fn a_macro_calling_itself_is_refused() {
        let t = tera(&[(
            "m.html",
            "{% macro f(n) %}{{ self::f(n=n) }}{% endmacro f %}{{ self::f(n=1) }}",
        )]);
        let e = no_recursion(&t).unwrap_err().to_string();
        assert!(e.contains("m.html::f → m.html::f"), "{e}");
    }

    #[test]
    fn macros_calling_each_other_across_files_are_refused() {
        let t = tera(&[
            (
                "a.html",
                "{% import \"b.html\" as b %}{% macro f() %}{{ b::g() }}{% endmacro f %}",
            ),
            (
                "b.html",
                "{% import \"a.html\" as a %}{% macro g() %}{{ a::f() }}{% endmacro g %}",
            ),
        ]);
        assert!(matches!(
            no_recursion(&t),
            Err(RenderError::Recursion { .. })
        ));
    }

    #[test]
    fn an_include_of_itself_is_refused() {
        let t = tera(&[("x.html", "{% if true %}{% include \"x.html\" %}{% endif %}")]);
        assert!(matches!(
            no_recursion(&t),
            Err(RenderError::Recursion { .. })
        ));
    }

    #[test]
    fn the_shipped_templates_pass() {
        let t = Templates::embedded().unwrap();
        assert!(no_recursion(&t.html).is_ok() && no_recursion(&t.md).is_ok());
    }
}
