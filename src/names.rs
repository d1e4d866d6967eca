//! Stable names of domain enums, written once: [`names!`] gives an enum its `name()`, `Display` and,
//! when asked, a `Serialize` that writes the same name, so the name shown in a table, the name in
//! JSON and the name a template compares can never drift apart.

/// Implements `name()` and `Display` (and with `serialize`, `Serialize`) for a fieldless enum from
/// one list of `Variant => "name"`.
#[macro_export]
macro_rules! names {
    ($type:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $type {
            /// The stable name, as shown and serialised.
            pub fn name(self) -> &'static str {
                match self { $($type::$variant => $name,)+ }
            }
        }

        impl std::fmt::Display for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
    (serialize $type:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        $crate::names!($type { $($variant => $name),+ });

        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }
    };
}
