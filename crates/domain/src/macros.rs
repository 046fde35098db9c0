//! Declares the fieldless enums stored and shown as fixed strings.

/// Declares a fieldless enum with `ALL`, `as_str`, `label_fr`, `parse`, `FromStr`, `Display`
/// and snake_case serde. Each variant is written `Variant = "stable_name" / "Libellé"`.
macro_rules! str_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident in $field:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $s:literal / $label:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [$name; [$($s),+].len()] = [$($name::$variant),+];

            /// The stable name used in storage, URLs and JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $s, )+
                }
            }

            /// The French label shown to users.
            pub fn label_fr(self) -> &'static str {
                match self {
                    $( $name::$variant => $label, )+
                }
            }

            #[doc = concat!(
                "Parses a stable name (surrounding spaces ignored); `Invalid` with field `",
                $field,
                "` otherwise."
            )]
            pub fn parse(s: &str) -> $crate::DomainResult<Self> {
                let wanted = s.trim();
                Self::ALL
                    .into_iter()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| {
                        $crate::DomainError::invalid(
                            $field,
                            $crate::Problem::NotOneOf {
                                allowed: Self::ALL.iter().map(|v| v.as_str()).collect(),
                            },
                        )
                    })
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::DomainError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
