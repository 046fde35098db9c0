//! What every page of a product shows above its title: the DSFR breadcrumb (portfolio, the
//! product, the page) and the product's tabs, the links to its pages the visitor may use. One
//! struct and one include (`templates/_product_nav.html`), so that a new page of a product is
//! one more tab here.

use pilote_domain::access::allows;

use super::{Nav, forms::SignedIn};
use crate::{access::ProductScope, auth::CurrentUser};

/// A tab of a product's pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Sheet,
    Measures,
    Matrix,
    Contract,
    Reviews,
    Team,
    Journal,
}

/// One link of the tab bar.
pub struct TabLink {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

/// The breadcrumb and tabs of a product's page.
pub struct ProductNav {
    pub slug: String,
    pub name: String,
    /// The page's own name, last in the breadcrumb; `None` on the product page itself.
    pub here: Option<String>,
    pub tabs: Vec<TabLink>,
}

impl ProductNav {
    /// The product page's address.
    pub fn href(&self) -> String {
        format!("/produits/{}", self.slug)
    }

    /// The navigation of a page of `scope`'s product named `name`, on tab `current`, for
    /// `user`: tabs to pages the visitor may not use are left out (they would answer 403).
    pub fn new(
        user: &CurrentUser,
        scope: &ProductScope,
        name: &str,
        current: Tab,
        here: Option<&str>,
    ) -> ProductNav {
        let slug = scope.slug.to_string();
        let contribute = allows(&user.grants, scope.contribute());
        let manage = allows(&user.grants, scope.manage());
        let all = [
            (Tab::Sheet, "", "Fiche", true),
            (Tab::Measures, "/mesures", "Mesures", contribute),
            (Tab::Matrix, "/matrice", "Matrice d'impact", true),
            (Tab::Contract, "/contrat", "Contrat", true),
            (Tab::Reviews, "/revues/nouvelle", "Nouvelle revue", manage),
            (Tab::Team, "/equipe", "Équipe", true),
            (Tab::Journal, "/journal", "Journal", true),
        ];
        let tabs = all
            .into_iter()
            .filter(|(_, _, _, shown)| *shown)
            .map(|(tab, path, label, _)| TabLink {
                href: format!("/produits/{slug}{path}"),
                label,
                current: tab == current,
            })
            .collect();
        ProductNav {
            slug,
            name: name.to_owned(),
            here: here.map(str::to_owned),
            tabs,
        }
    }
}

/// A page of a product drawn for a signed-in visitor: the layout's `Nav`, the visitor (whose
/// roles choose the tabs) and the product. The forms' `page` functions take it whole.
pub struct Visit {
    pub nav: Nav,
    pub user: CurrentUser,
    pub scope: ProductScope,
}

impl Visit {
    /// The visit of `scope`'s product by `user`, once the permission was checked.
    pub fn new(user: SignedIn, scope: ProductScope) -> Visit {
        Visit {
            nav: user.nav,
            user: user.user.user,
            scope,
        }
    }

    /// The breadcrumb and tabs of this page, named `here`, of the product named `name`.
    pub fn product_nav(&self, name: &str, current: Tab, here: &str) -> ProductNav {
        ProductNav::new(&self.user, &self.scope, name, current, Some(here))
    }
}
