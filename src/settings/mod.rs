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
/// but asks for the table's fields by name: an untagged enum goes through `deserialize_any`,
/// which hides its table's keys from the unknown-key check (`toml_keys`), so a misspelt key in
/// it (`{ file = "a.jpg", atl = "…" }`) was silently ignored. `T` is the table form, a struct
/// with a derived `Deserialize`; its fields are the keys.
pub(crate) fn string_or_table<'de, D, T, R>(
    d: D,
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
    let (name, fields) = struct_fields::<T>();
    d.deserialize_struct(name, fields, Either { fields, string, table, of: PhantomData })
}

/// The name and field names a derived `Deserialize` of a struct passes to
/// `deserialize_struct`: asked of it once, by a deserializer that only listens.
fn struct_fields<'de, T: serde::Deserialize<'de>>() -> (&'static str, &'static [&'static str]) {
    use serde::de::{self, Visitor, value::Error};

    struct Listen<'a>(&'a mut (&'static str, &'static [&'static str]));
    impl<'de> de::Deserializer<'de> for Listen<'_> {
        type Error = Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Error> {
            *self.0 = (name, fields);
            Err(de::Error::custom("listened"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut heard = ("", &[][..]);
    let _ = T::deserialize(Listen(&mut heard));
    debug_assert!(!heard.1.is_empty(), "{} is not a struct", std::any::type_name::<T>());
    heard
}
