-- The whole product sheet as beta.gouv.fr's espace-membre keeps it (issue 21, item 3). Kept
-- equivalent to ../../postgres/2026-12-06-130001_product_sheet. Tables of their own: `products`
-- is near diesel's 16-column cap. A product without a row has an empty sheet.
CREATE TABLE product_sheets (
    product_id INTEGER PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    contact TEXT,
    dinum_contact TEXT,
    incubator_contact TEXT,
    stats_url TEXT,
    budget_url TEXT,
    impact_url TEXT,
    roadmap_url TEXT,
    dashlord_url TEXT,
    ecodesign_url TEXT,
    risk_analysis_url TEXT,
    accessibility_status TEXT CHECK (accessibility_status IN ('not_compliant', 'partially_compliant', 'fully_compliant')),
    dsfr_status TEXT CHECK (dsfr_status IN ('none', 'partial', 'full')),
    monservicesecurise BOOLEAN,
    monservicesecurise_url TEXT,
    risk_analysis BOOLEAN
);
-- Thematiques, user types and technos, in the sheet's order.
CREATE TABLE product_tags (
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('thematique', 'user_type', 'techno')),
    rank INTEGER NOT NULL CHECK (rank >= 0),
    label TEXT NOT NULL CHECK (length(label) > 0),
    PRIMARY KEY (product_id, kind, rank)
);
CREATE INDEX product_tags_label_idx ON product_tags (kind, label);
-- Co-incubation: the incubators running a product besides its own (`products.incubator_id`).
CREATE TABLE product_incubators (
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    incubator_id INTEGER NOT NULL REFERENCES incubators (id),
    rank INTEGER NOT NULL CHECK (rank >= 0),
    PRIMARY KEY (product_id, incubator_id)
);
CREATE INDEX product_incubators_incubator_idx ON product_incubators (incubator_id);
