//! Contract reviews.

str_enum! {
    /// The overall verdict of a review.
    pub enum Verdict in "verdict" {
        /// All good.
        Green = "green" / "Vert",
        /// Needs attention.
        Amber = "amber" / "Orange",
        /// In trouble.
        Red = "red" / "Rouge",
    }
}
