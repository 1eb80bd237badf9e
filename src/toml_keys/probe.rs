//! The allowed-key tree of a type, read from its serde `Deserialize` impl.
//!
//! A derived `Deserialize` for a struct calls `deserialize_struct(name, FIELDS, visitor)`, and
//! `FIELDS` names every key it accepts. The probe is a [`Deserializer`] that answers that call by
//! handing the visitor each name of `FIELDS` as a key and, for its value, the probe again, so the
//! field's own type says what it is: another struct (a table), a sequence of structs (an array of
//! tables), a map with free keys (`BTreeMap`, `HashMap`), or anything else (a value, not checked
//! here). `Option`, newtypes and `toml::Spanned` are looked through. The probe builds no real
//! value: the visitor's result is thrown away, only the calls it makes are recorded.
//!
//! The probe cannot give every type a value it accepts (an untagged enum, a `toml::Value`, a date
//! parsed from a string). When a field's value fails, the visitor gives up on the rest of its
//! struct, so `T::deserialize` is driven again and again, each time handing every struct only
//! the fields not yet known, until a run learns nothing new.
//!
//! What the probe sees, and so what is checked:
//! - `rename`, `rename_all`: `FIELDS` holds the names as written in TOML.
//! - `alias`: serde_derive (1.0.229 here) puts the aliases into `FIELDS` next to the main name, so
//!   an alias is an allowed key like any other, and is also listed and suggested like one.
//!   A test guards this (`an_alias_is_an_allowed_key`).
//! - `#[serde(default)]`, `skip_deserializing`: no effect on the keys (a skipped field is not in
//!   `FIELDS`, and not accepted).
//! - Enums (a name in a string), untagged and internally tagged enums, `toml::Value` and custom
//!   impls that call `deserialize_any`: a value; serde reports what is wrong inside.
//! - `#[serde(flatten)]`: the struct calls `deserialize_map` and gives no `FIELDS` at all, so its
//!   keys cannot be known. In debug builds (every test) that panics, naming the type, so a
//!   flatten cannot silently switch the check off; in a release build the table is left
//!   unchecked (serde still rejects what the struct does not take).
//! - A type inside itself: the inner occurrence is a value.

use super::{Key, Shape};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess};
use serde::de::{IntoDeserializer, Visitor};
use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// The allowed-key tree of `T`, derived once per process and kept for good (a few small slices
/// per type, so the check can hold `&'static` like a hand-written list did).
pub fn schema<T: DeserializeOwned + 'static>() -> &'static Shape {
    static CACHE: Mutex<Option<HashMap<TypeId, &'static Shape>>> = Mutex::new(None);
    // Held while deriving, so each type is derived once; a panic (flatten) must not make every
    // later look-up panic too, hence the poison is ignored.
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    let cache = cache.get_or_insert_with(HashMap::new);
    cache.entry(TypeId::of::<T>()).or_insert_with(|| Box::leak(Box::new(derive::<T>())))
}

/// More runs than any schema has fields; only a bug in the probe gets near it.
const MAX_RUNS: usize = 10_000;

/// Derives the tree of `T` without caching it.
pub fn derive<T: DeserializeOwned>() -> Shape {
    let mut ctx = Ctx::default();
    let mut root = None;
    for _ in 0..MAX_RUNS {
        ctx.learned = false;
        // The result is of no use: the probe hands made-up values.
        let _ = T::deserialize(Probe { ctx: &mut ctx });
        let last = std::mem::replace(&mut ctx.last, Node::Value);
        root.get_or_insert(last);
        if !ctx.learned {
            break;
        }
    }
    let root = root.unwrap_or(Node::Value);
    let mut leaked = vec![None; ctx.structs.len()];
    ctx.shape(&root, &mut leaked)
}

/// What stands under a key, as far as the probe has seen.
#[derive(Clone, Debug, Default)]
enum Node {
    #[default]
    Value,
    /// An index into [`Ctx::structs`].
    Struct(usize),
    Seq(Box<Node>),
    Map(Box<Node>),
}

/// One struct met while probing.
struct StructInfo {
    fields: &'static [&'static str],
    /// What each field holds, once its value has been asked for.
    nodes: Vec<Option<Node>>,
}

#[derive(Default)]
struct Ctx {
    structs: Vec<StructInfo>,
    /// Keyed by the visitor's type name (it differs between `Foo<A>` and `Foo<B>`) and `FIELDS`.
    index: HashMap<(&'static str, &'static [&'static str]), usize>,
    /// Structs being probed, outermost first: a type met inside itself stops the descent.
    stack: Vec<usize>,
    /// What the last probed value turned out to be; each probe sets it before returning.
    last: Node,
    /// Whether this run saw a field for the first time.
    learned: bool,
}

impl Ctx {
    fn struct_index(&mut self, visitor: &'static str, fields: &'static [&'static str]) -> usize {
        if let Some(&i) = self.index.get(&(visitor, fields)) {
            return i;
        }
        self.structs.push(StructInfo { fields, nodes: vec![None; fields.len()] });
        self.index.insert((visitor, fields), self.structs.len() - 1);
        self.structs.len() - 1
    }

    /// Whether everything under `node` is known: then its field need not be handed again.
    fn complete(&self, node: &Node, depth: usize) -> bool {
        // Deeper than any real schema means a cycle the stack check missed; stop asking.
        if depth > 64 {
            return true;
        }
        match node {
            Node::Value => true,
            Node::Struct(i) => self.structs[*i]
                .nodes
                .iter()
                .all(|n| n.as_ref().is_some_and(|n| self.complete(n, depth + 1))),
            Node::Seq(inner) | Node::Map(inner) => self.complete(inner, depth + 1),
        }
    }

    fn shape(&self, node: &Node, leaked: &mut Vec<Option<&'static [Key]>>) -> Shape {
        match node {
            Node::Value => Shape::Value,
            Node::Struct(i) => Shape::Table(self.keys(*i, leaked)),
            // The check walks arrays of tables only; an array of anything else is a value.
            Node::Seq(inner) => match self.shape(inner, leaked) {
                Shape::Table(keys) => Shape::Tables(keys),
                _ => Shape::Value,
            },
            // A map of plain values (`columns = { "收入金额" = "income" }`) has nothing to check.
            Node::Map(inner) => match self.shape(inner, leaked) {
                Shape::Value => Shape::Value,
                s => Shape::Map(Box::leak(Box::new(s))),
            },
        }
    }

    /// The keys of struct `i`, leaked once however often it is used.
    fn keys(&self, i: usize, leaked: &mut Vec<Option<&'static [Key]>>) -> &'static [Key] {
        if let Some(keys) = leaked[i] {
            return keys;
        }
        let info = &self.structs[i];
        let keys: Vec<Key> = info
            .fields
            .iter()
            .zip(&info.nodes)
            .map(|(name, node)| {
                Key(name, node.as_ref().map_or(Shape::Value, |n| self.shape(n, leaked)))
            })
            .collect();
        let keys: &'static [Key] = Box::leak(keys.into_boxed_slice());
        leaked[i] = Some(keys);
        keys
    }
}

/// The probe's only error: "no value here". Its text is never shown.
#[derive(Debug)]
pub struct ProbeError;

impl std::fmt::Display for ProbeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("schema probe")
    }
}

impl std::error::Error for ProbeError {}

impl de::Error for ProbeError {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        ProbeError
    }
}

/// `serde_spanned`'s private struct name: `Spanned<T>` is looked through to `T`.
const SPANNED: &str = "$__serde_spanned_private_Spanned";
/// The field of that struct that holds the `T`.
const SPANNED_VALUE: &str = "$__serde_spanned_private_value";

struct Probe<'a> {
    ctx: &'a mut Ctx,
}

/// A visitor's own description, to tell a struct from a map (see `deserialize_map`).
struct Expecting<'a, V>(&'a V);

impl<'de, V: Visitor<'de>> std::fmt::Display for Expecting<'_, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.expecting(f)
    }
}

macro_rules! leaf {
    ($($method:ident => $visit:ident($($value:expr)?);)*) => {
        $(
            fn $method<V: Visitor<'static>>(self, visitor: V) -> Result<V::Value, ProbeError> {
                self.ctx.last = Node::Value;
                visitor.$visit($($value)?)
            }
        )*
    };
}

macro_rules! opaque {
    ($($method:ident;)*) => {
        $(
            fn $method<V: Visitor<'static>>(self, _: V) -> Result<V::Value, ProbeError> {
                self.ctx.last = Node::Value;
                Err(ProbeError)
            }
        )*
    };
}

impl Deserializer<'static> for Probe<'_> {
    type Error = ProbeError;

    leaf! {
        deserialize_bool => visit_bool(false);
        deserialize_i8 => visit_i64(0);
        deserialize_i16 => visit_i64(0);
        deserialize_i32 => visit_i64(0);
        deserialize_i64 => visit_i64(0);
        deserialize_i128 => visit_i64(0);
        deserialize_u8 => visit_u64(0);
        deserialize_u16 => visit_u64(0);
        deserialize_u32 => visit_u64(0);
        deserialize_u64 => visit_u64(0);
        deserialize_u128 => visit_u64(0);
        deserialize_f32 => visit_f64(0.0);
        deserialize_f64 => visit_f64(0.0);
        deserialize_char => visit_char('0');
        deserialize_str => visit_borrowed_str("");
        deserialize_string => visit_borrowed_str("");
        deserialize_bytes => visit_borrowed_bytes(&[]);
        deserialize_byte_buf => visit_borrowed_bytes(&[]);
        deserialize_unit => visit_unit();
        deserialize_identifier => visit_borrowed_str("");
        deserialize_ignored_any => visit_unit();
    }

    // Nothing to learn from these, and no value that would surely fit.
    opaque! {
        deserialize_any;
    }

    fn deserialize_option<V: Visitor<'static>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        self.ctx.last = Node::Value;
        visitor.visit_some(self)
    }

    fn deserialize_unit_struct<V: Visitor<'static>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'static>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        self.ctx.last = Node::Value;
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'static>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        self.ctx.last = Node::Value;
        let mut seq = OneElement { ctx: self.ctx, element: None };
        let result = visitor.visit_seq(&mut seq);
        seq.ctx.last = Node::Seq(Box::new(seq.element.unwrap_or_default()));
        result
    }

    fn deserialize_tuple<V: Visitor<'static>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, ProbeError> {
        self.ctx.last = Node::Value;
        Err(ProbeError)
    }

    fn deserialize_tuple_struct<V: Visitor<'static>>(
        self,
        _name: &'static str,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, ProbeError> {
        self.ctx.last = Node::Value;
        Err(ProbeError)
    }

    fn deserialize_map<V: Visitor<'static>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        self.ctx.last = Node::Value;
        // A derived struct with a `#[serde(flatten)]` field comes here instead of to
        // `deserialize_struct`, with its own visitor: its keys are unknowable.
        let expecting = Expecting(&visitor).to_string();
        let visitor_type = std::any::type_name::<V>();
        if expecting.starts_with("struct ") || visitor_type.contains("::__Visitor") {
            if cfg!(debug_assertions) {
                panic!(
                    "toml_keys: {expecting} ({visitor_type}) is read as a map, most likely \
                     because of #[serde(flatten)]; its keys cannot be derived for the unknown-key \
                     check. Write the fields out instead of flattening them."
                );
            }
            return Err(ProbeError);
        }
        let mut map = OneEntry { ctx: self.ctx, given: false, value: None };
        let result = visitor.visit_map(&mut map);
        map.ctx.last = Node::Map(Box::new(map.value.unwrap_or_default()));
        result
    }

    fn deserialize_struct<V: Visitor<'static>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        self.ctx.last = Node::Value;
        if name == SPANNED {
            // Start and end, then the value, whose node is left in `last`.
            return visitor.visit_map(SpannedAccess {
                ctx: self.ctx,
                fields,
                next: 0,
                current: "",
            });
        }
        if name.starts_with("$__") {
            // Another library's private encoding (a toml datetime): a value.
            return Err(ProbeError);
        }
        let i = self.ctx.struct_index(std::any::type_name::<V>(), fields);
        if self.ctx.stack.contains(&i) {
            return Err(ProbeError);
        }
        let pending: Vec<usize> = (0..fields.len())
            .filter(|&f| {
                let node = self.ctx.structs[i].nodes[f].as_ref();
                !node.is_some_and(|n| self.ctx.complete(n, 0))
            })
            .collect();
        self.ctx.stack.push(i);
        let mut access = StructAccess { ctx: self.ctx, index: i, pending, next: 0 };
        let result = visitor.visit_map(&mut access);
        access.ctx.stack.pop();
        access.ctx.last = Node::Struct(i);
        result
    }

    fn deserialize_enum<V: Visitor<'static>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, ProbeError> {
        // An enum is a name in a string (or a table serde checks itself): a value.
        self.ctx.last = Node::Value;
        Err(ProbeError)
    }
}

/// A sequence of one element, the probe.
struct OneElement<'a> {
    ctx: &'a mut Ctx,
    element: Option<Node>,
}

impl SeqAccess<'static> for OneElement<'_> {
    type Error = ProbeError;

    fn next_element_seed<T: DeserializeSeed<'static>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ProbeError> {
        if self.element.is_some() {
            return Ok(None);
        }
        let result = seed.deserialize(Probe { ctx: self.ctx });
        self.element = Some(std::mem::take(&mut self.ctx.last));
        result.map(Some)
    }
}

/// A map of one entry, key and value both the probe.
struct OneEntry<'a> {
    ctx: &'a mut Ctx,
    given: bool,
    value: Option<Node>,
}

impl MapAccess<'static> for OneEntry<'_> {
    type Error = ProbeError;

    fn next_key_seed<K: DeserializeSeed<'static>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ProbeError> {
        if self.given {
            return Ok(None);
        }
        self.given = true;
        // The probe, not a plain string: a key may be `Spanned<String>` (`[calendar.years]`).
        seed.deserialize(Probe { ctx: self.ctx }).map(Some)
    }

    fn next_value_seed<T: DeserializeSeed<'static>>(
        &mut self,
        seed: T,
    ) -> Result<T::Value, ProbeError> {
        let result = seed.deserialize(Probe { ctx: self.ctx });
        self.value = Some(std::mem::take(&mut self.ctx.last));
        result
    }
}

/// The fields of a struct not yet known, each key a name of `FIELDS`, each value the probe.
struct StructAccess<'a> {
    ctx: &'a mut Ctx,
    index: usize,
    pending: Vec<usize>,
    next: usize,
}

impl MapAccess<'static> for StructAccess<'_> {
    type Error = ProbeError;

    fn next_key_seed<K: DeserializeSeed<'static>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ProbeError> {
        let Some(&field) = self.pending.get(self.next) else { return Ok(None) };
        self.next += 1;
        let name = self.ctx.structs[self.index].fields[field];
        seed.deserialize(de::value::BorrowedStrDeserializer::new(name)).map(Some)
    }

    fn next_value_seed<T: DeserializeSeed<'static>>(
        &mut self,
        seed: T,
    ) -> Result<T::Value, ProbeError> {
        let Some(&field) = self.next.checked_sub(1).and_then(|i| self.pending.get(i)) else {
            return Err(ProbeError);
        };
        let result = seed.deserialize(Probe { ctx: self.ctx });
        let node = std::mem::take(&mut self.ctx.last);
        let slot = &mut self.ctx.structs[self.index].nodes[field];
        self.ctx.learned |= slot.is_none();
        *slot = Some(node);
        result
    }
}

/// `Spanned<T>` as toml hands it over: a start, an end and the value.
struct SpannedAccess<'a> {
    ctx: &'a mut Ctx,
    fields: &'static [&'static str],
    next: usize,
    current: &'static str,
}

impl MapAccess<'static> for SpannedAccess<'_> {
    type Error = ProbeError;

    fn next_key_seed<K: DeserializeSeed<'static>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ProbeError> {
        let Some(&name) = self.fields.get(self.next) else { return Ok(None) };
        self.next += 1;
        self.current = name;
        seed.deserialize(de::value::BorrowedStrDeserializer::new(name)).map(Some)
    }

    fn next_value_seed<T: DeserializeSeed<'static>>(
        &mut self,
        seed: T,
    ) -> Result<T::Value, ProbeError> {
        // The others are the positions.
        if self.current == SPANNED_VALUE {
            seed.deserialize(Probe { ctx: self.ctx })
        } else {
            seed.deserialize(0u64.into_deserializer())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Lang, SourceText};
    use serde::Deserialize;
    use std::collections::{BTreeMap, HashMap};
    use toml::Spanned;

    /// The shape under a dotted path (`publish.url`), looking through arrays and maps.
    fn at(shape: &Shape, path: &str) -> Shape {
        path.split('.').fold(*shape, |s, key| match s {
            Shape::Table(keys) | Shape::Tables(keys) => {
                keys.iter().find(|k| k.0 == key).map(|k| k.1).unwrap_or_else(|| {
                    panic!(
                        "no `{key}` in {path}: {:?}",
                        keys.iter().map(|k| k.0).collect::<Vec<_>>()
                    )
                })
            }
            Shape::Map(inner) => *inner,
            Shape::Value => panic!("`{path}` ends in a value before `{key}`"),
        })
    }

    fn names(shape: Shape) -> Vec<&'static str> {
        match shape {
            Shape::Table(keys) | Shape::Tables(keys) => keys.iter().map(|k| k.0).collect(),
            _ => Vec::new(),
        }
    }

    fn unknown_keys<T: DeserializeOwned + 'static>(text: &str) -> Vec<String> {
        let src = SourceText::toml_file("x.toml", text);
        let table = toml::de::DeTable::parse(text).unwrap();
        super::super::check(table.get_ref(), schema::<T>(), Some("x.toml"), &src)
            .iter()
            .map(|d| d.render(Lang::En).lines().next().unwrap_or("").to_string())
            .collect()
    }

    #[test]
    fn site_toml_keys_come_from_site_config() {
        let site = schema::<crate::config::SiteConfig>();
        assert_eq!(names(*site)[..4], ["title", "unit", "base_url", "language"]);
        assert_eq!(at(site, "title"), Shape::Value);
        assert_eq!(names(at(site, "contact")), ["phone", "address", "committee", "email"]);
        // Arrays of tables, maps with free keys and tables inside them.
        assert!(matches!(at(site, "publish"), Shape::Tables(_)));
        assert_eq!(
            names(at(site, "publish")),
            [
                "name",
                "url",
                "endpoint",
                "region",
                "ssh_key",
                "password",
                "secret_access_key",
                "access_key_secret"
            ]
        );
        assert!(matches!(at(site, "calendar.years"), Shape::Map(_)));
        assert_eq!(names(at(site, "calendar.years.2027")), ["holidays", "workdays"]);
        assert_eq!(names(at(site, "print.sections.finance"))[0], "paper");
        assert_eq!(names(at(site, "boards.tiles")).len(), 4);
        // A map of plain values: nothing to check inside.
        assert_eq!(at(site, "ledger.columns"), Shape::Value);
        // A name or a table (`settings::string_or_table`): the table's keys are checked.
        assert_eq!(names(at(site, "boards.paper")), ["width_mm", "height_mm"]);
        // The same struct is one slice, wherever it stands.
        assert!(std::ptr::eq(site, schema::<crate::config::SiteConfig>()));
    }

    #[test]
    fn posting_keys_come_from_posting_front() {
        let front = schema::<crate::frontmatter::PostingFront>();
        assert_eq!(names(*front)[..3], ["title", "date", "updated"]);
        assert_eq!(names(at(front, "notice"))[..3], ["start", "end", "days"]);
        assert!(matches!(at(front, "attachments"), Shape::Tables(_)));
        assert!(matches!(at(front, "signoff"), Shape::Tables(_)));
        assert_eq!(names(at(front, "year_to_date_carried")), ["income", "expense"]);
        assert_eq!(names(at(front, "withdrawn")), ["date", "note"]);
        // Read by the ledger (toml::Value), and an enum.
        for key in ["ledger", "budget", "privacy", "tags", "date"] {
            assert_eq!(at(front, key), Shape::Value, "{key}");
        }
        // Photos may be names or tables (`settings::string_or_table`): the tables are checked.
        assert!(matches!(at(front, "gallery"), Shape::Tables(_)));
        assert_eq!(names(at(front, "gallery")), ["file", "alt"]);
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    #[allow(dead_code)]
    struct Features {
        #[serde(rename = "名称")]
        name: String,
        soon_days: Option<u32>,
        #[serde(default)]
        items: Option<Vec<Spanned<Item>>>,
        by_id: HashMap<String, Item>,
        newtype: Wrapper,
        kind: Kind,
        #[serde(skip)]
        hidden: u8,
        tree: Option<Tree>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Item {
        file: String,
        alt: Option<String>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Wrapper(BTreeMap<Spanned<String>, Item>);

    #[derive(Deserialize)]
    #[allow(dead_code)]
    enum Kind {
        A,
        B { x: u8 },
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Tree {
        label: String,
        children: Vec<Tree>,
    }

    #[test]
    fn serde_attributes_and_containers_give_the_tree() {
        let s = derive::<Features>();
        assert_eq!(
            names(s),
            ["名称", "soon-days", "items", "by-id", "newtype", "kind", "tree"],
            "rename, rename_all, and no skipped field"
        );
        assert_eq!(at(&s, "soon-days"), Shape::Value);
        assert!(matches!(at(&s, "items"), Shape::Tables(_)), "Option<Vec<Spanned<struct>>>");
        assert_eq!(names(at(&s, "items")), ["file", "alt"]);
        assert_eq!(names(at(&s, "by-id.any")), ["file", "alt"]);
        assert_eq!(names(at(&s, "newtype.any")), ["file", "alt"], "newtype, Spanned map keys");
        assert_eq!(at(&s, "kind"), Shape::Value);
        // A type inside itself: the inner one is a value.
        assert_eq!(names(at(&s, "tree")), ["label", "children"]);
        assert_eq!(at(&s, "tree.children"), Shape::Value);
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Aliased {
        #[serde(alias = "heading")]
        title: String,
        date: Option<String>,
    }

    #[test]
    fn an_alias_is_an_allowed_key() {
        // serde_derive passes the aliases in FIELDS, next to the main name; if a later version
        // stops, this fails rather than the alias becoming an "unknown key".
        assert_eq!(unknown_keys::<Aliased>("heading = \"a\"\n"), Vec::<String>::new());
        assert_eq!(unknown_keys::<Aliased>("title = \"a\"\n"), Vec::<String>::new());
        assert!(toml::from_str::<Aliased>("heading = \"a\"\n").is_ok());
        assert_eq!(
            unknown_keys::<Aliased>("titel = \"a\"\n"),
            ["x.toml:1:1: error: unknown key `titel` in x.toml; did you mean `title`?"]
        );
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Flattened {
        title: String,
        #[serde(flatten)]
        rest: Item,
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "#[serde(flatten)]")]
    fn a_flattened_struct_panics_in_debug_builds() {
        // Not through `schema`: its cache would keep nothing, but the test needs no shared state.
        derive::<Flattened>();
    }

    #[test]
    fn a_flattened_field_inside_panics_too() {
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            inner: Option<Flattened>,
        }
        let r = std::panic::catch_unwind(derive::<Outer>);
        assert_eq!(r.is_err(), cfg!(debug_assertions));
    }
}
