//! What a clerk writes in site.toml and in front matter for each capability, as plain types.
//!
//! The data model (`config`, `frontmatter`, `site`) holds these; the capability that acts on
//! them (`notice`, `privacy`, `images`, `ledger`, `board`) imports them from here. Keeping the
//! written form below the model lets each capability own its stage (which reads the model)
//! without an import cycle between the model and the capabilities.

pub mod board;
pub mod images;
pub mod ledger;
pub mod notice;
pub mod privacy;

/// Reads a setting written either as a string or as a table, as `#[serde(untagged)]` would,
/// but asks for the table's `fields` by name: an untagged enum goes through `deserialize_any`,
/// which hides its table's keys from the unknown-key check (`toml_keys`), so a misspelt key in
/// it (`{ file = "a.jpg", atl = "…" }`) was silently ignored. `T` is the table form; its own
/// `Deserialize` must take exactly `fields` (a test in each user checks the schema).
pub(crate) fn string_or_table<'de, D, T, R>(
    d: D,
    name: &'static str,
    fields: &'static [&'static str],
    string: fn(&str) -> Result<R, String>,
    table: fn(T) -> R,
) -> Result<R, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    use serde::de::{self, MapAccess, Visitor};
    use std::marker::PhantomData;

    struct Either<T, R> {
        fields: &'static [&'static str],
        string: fn(&str) -> Result<R, String>,
        table: fn(T) -> R,
        of: PhantomData<T>,
    }
    impl<'de, T: serde::Deserialize<'de>, R> Visitor<'de> for Either<T, R> {
        type Value = R;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "a string or a table with {}", self.fields.join(", "))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<R, E> {
            (self.string)(v).map_err(E::custom)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<R, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(self.table)
        }
    }
    d.deserialize_struct(name, fields, Either { fields, string, table, of: PhantomData })
}
