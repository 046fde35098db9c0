//! The tables, one description for both backends.
//!
//! Written in portable SQL types (`BigInt` ids, `Date`, `Timestamp`, `Double`, `Text`, `Bool`) so
//! that one set of queries serves SQLite and PostgreSQL. It must match
//! `migrations/{sqlite,postgres}`: the store tests run every repository on both backends, so a
//! mismatch fails there.

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        password_hash -> Nullable<Text>,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
        session_generation -> BigInt,
    }
}

diesel::table! {
    user_identities (id) {
        id -> BigInt,
        issuer -> Text,
        subject -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    incubators (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        administration -> Text,
        investigation_months -> Integer,
        construction_months -> Integer,
        acceleration_months -> Integer,
        created_at -> Timestamp,
        committee_months -> Integer,
    }
}

diesel::table! {
    products (id) {
        id -> BigInt,
        slug -> Text,
        incubator_id -> BigInt,
        name -> Text,
        pitch -> Text,
        problem -> Nullable<Text>,
        sponsor -> Text,
        website -> Nullable<Text>,
        repository -> Nullable<Text>,
        published -> Bool,
        created_on -> Date,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        perennisation_mode -> Nullable<Text>,
        publish_efficiency -> Bool,
    }
}

diesel::table! {
    user_roles (id) {
        id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        incubator_id -> Nullable<BigInt>,
        product_id -> Nullable<BigInt>,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        product_id -> BigInt,
        name -> Text,
        prefix -> Text,
        token_hash -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> BigInt,
        email -> Text,
        ip -> Text,
        attempted_at -> Timestamp,
        succeeded -> Bool,
        kind -> Text,
    }
}

diesel::table! {
    one_time_tokens (id) {
        id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        user_id -> BigInt,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    decisions (id) {
        id -> BigInt,
        product_id -> BigInt,
        kind -> Text,
        decided_on -> Date,
        rationale -> Text,
        decided_by -> Nullable<BigInt>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    phases (id) {
        id -> BigInt,
        product_id -> BigInt,
        phase -> Text,
        started_on -> Date,
        ended_on -> Nullable<Date>,
        decision_id -> Nullable<BigInt>,
        is_return -> Bool,
    }
}

diesel::table! {
    indicators (id) {
        id -> BigInt,
        product_id -> BigInt,
        key -> Text,
        label -> Text,
        unit -> Text,
        direction -> Text,
        principle -> Text,
        periodicity -> Text,
        aggregation -> Text,
        matrix_role -> Nullable<Text>,
        north_star -> Bool,
        description -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    measures (id) {
        id -> BigInt,
        indicator_id -> BigInt,
        period -> Date,
        value -> Double,
        comment -> Nullable<Text>,
        source -> Text,
        author_user_id -> Nullable<BigInt>,
        author_token_id -> Nullable<BigInt>,
        recorded_at -> Timestamp,
        suspect -> Bool,
    }
}

diesel::table! {
    /// Derived: each indicator's latest value, kept by `repo::latest` (migration 000008).
    measure_latest (indicator_id) {
        indicator_id -> BigInt,
        period -> Date,
        value -> Double,
    }
}

diesel::table! {
    /// Derived: each indicator's figures per month, kept by `repo::aggregates` (issue 23).
    measure_months (indicator_id, month) {
        indicator_id -> BigInt,
        month -> Date,
        value_count -> Integer,
        value_sum -> Double,
        last_period -> Date,
        last_value -> Double,
    }
}

diesel::table! {
    measure_history (id) {
        id -> BigInt,
        measure_id -> BigInt,
        value -> Double,
        comment -> Nullable<Text>,
        source -> Text,
        author_user_id -> Nullable<BigInt>,
        author_token_id -> Nullable<BigInt>,
        recorded_at -> Timestamp,
        replaced_at -> Timestamp,
        suspect -> Bool,
    }
}

diesel::table! {
    contracts (id) {
        id -> BigInt,
        product_id -> BigInt,
        signed_on -> Date,
        starts_on -> Date,
        ends_on -> Date,
        review_cadence_months -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    contract_budgets (contract_id, year) {
        contract_id -> BigInt,
        year -> Integer,
        amount -> BigInt,
    }
}

diesel::table! {
    contract_milestones (contract_id, phase) {
        contract_id -> BigInt,
        phase -> Text,
        planned_on -> Date,
    }
}

diesel::table! {
    objectives (id) {
        id -> BigInt,
        contract_id -> BigInt,
        indicator_id -> BigInt,
        baseline_value -> Double,
        baseline_on -> Date,
        target_value -> Double,
        target_by -> Date,
        tolerance -> Double,
        created_at -> Timestamp,
    }
}

diesel::table! {
    commitments (id) {
        id -> BigInt,
        contract_id -> BigInt,
        area -> Text,
        expected -> Text,
        current -> Text,
        evidence_url -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    spend (id) {
        id -> BigInt,
        product_id -> BigInt,
        month -> Date,
        amount -> BigInt,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    reviews (id) {
        id -> BigInt,
        contract_id -> BigInt,
        reviewed_on -> Date,
        reviewers -> Text,
        verdict -> Text,
        decision_kind -> Text,
        decision_rationale -> Text,
        notes -> Text,
        snapshot -> Text,
        decision_id -> Nullable<BigInt>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        signed_at -> Nullable<Timestamp>,
        signed_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        entity -> Text,
        entity_key -> Text,
        before -> Nullable<Text>,
        after -> Nullable<Text>,
    }
}

diesel::table! {
    product_events (id) {
        id -> BigInt,
        product_id -> BigInt,
        name -> Text,
        happened_on -> Date,
        comment -> Nullable<Text>,
        decision_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// What the beta.gouv.fr catalogue says of an imported product (migration 210001).
    product_catalogue (product_id) {
        product_id -> BigInt,
        betagouv_id -> Text,
        outcome -> Nullable<Text>,
        synced -> Nullable<Text>,
    }
}

diesel::table! {
    /// The certification level of a product's impact matrix (migration 210002).
    matrix_certifications (product_id) {
        product_id -> BigInt,
        level -> Text,
        certified_on -> Date,
        set_by -> Nullable<BigInt>,
        set_at -> Timestamp,
    }
}

diesel::table! {
    /// Irritants submitted to an incubator (migration 2026-12-06-120001); `application_id`,
    /// the campaign's application that answers it, from migration 2026-12-07-110001.
    irritants (id) {
        id -> BigInt,
        incubator_id -> BigInt,
        author_id -> BigInt,
        title -> Text,
        description -> Text,
        status -> Text,
        answer -> Nullable<Text>,
        closed_by -> Nullable<BigInt>,
        closed_at -> Nullable<Timestamp>,
        product_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        application_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// One vote per person and irritant.
    irritant_votes (irritant_id, user_id) {
        irritant_id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// The product sheet's single values (migration 2026-12-06-130001): contacts, links,
    /// statuses. No row: an empty sheet.
    product_sheets (product_id) {
        product_id -> BigInt,
        contact -> Nullable<Text>,
        dinum_contact -> Nullable<Text>,
        incubator_contact -> Nullable<Text>,
        stats_url -> Nullable<Text>,
        budget_url -> Nullable<Text>,
        impact_url -> Nullable<Text>,
        roadmap_url -> Nullable<Text>,
        dashlord_url -> Nullable<Text>,
        ecodesign_url -> Nullable<Text>,
        risk_analysis_url -> Nullable<Text>,
        accessibility_status -> Nullable<Text>,
        dsfr_status -> Nullable<Text>,
        monservicesecurise -> Nullable<Bool>,
        monservicesecurise_url -> Nullable<Text>,
        risk_analysis -> Nullable<Bool>,
    }
}

diesel::table! {
    /// The sheet's lists: thematiques, user types, technos (migration 2026-12-06-130001).
    product_tags (product_id, kind, rank) {
        product_id -> BigInt,
        kind -> Text,
        rank -> Integer,
        label -> Text,
    }
}

diesel::table! {
    /// Co-incubation: incubators running a product besides its own (2026-12-06-130001).
    product_incubators (product_id, incubator_id) {
        product_id -> BigInt,
        incubator_id -> BigInt,
        rank -> Integer,
    }
}

diesel::table! {
    /// One row (id 1): moved by triggers on every change to users, roles, tokens and the slugs
    /// grants name (migration 2026-12-06-140001).
    auth_version (id) {
        id -> Integer,
        version -> BigInt,
    }
}

diesel::joinable!(products -> incubators (incubator_id));
diesel::joinable!(matrix_certifications -> products (product_id));
diesel::joinable!(product_catalogue -> products (product_id));
diesel::joinable!(product_events -> products (product_id));
diesel::joinable!(phases -> products (product_id));
diesel::joinable!(decisions -> products (product_id));
diesel::table! {
    /// An indicator's source, fetched by the job runner (migration 2026-12-05-170001).
    indicator_sources (id) {
        id -> BigInt,
        indicator_id -> BigInt,
        kind -> Text,
        url -> Text,
        settings -> Text,
        secret -> Nullable<Text>,
        every_hours -> Integer,
        next_run_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        failures -> Integer,
        last_run_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        last_created -> Nullable<BigInt>,
        last_updated -> Nullable<BigInt>,
        last_unchanged -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Named jobs of the runner (`sync_betagouv`), claimed like sources.
    runner_jobs (id) {
        id -> BigInt,
        name -> Text,
        next_run_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        last_run_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    /// Appels à candidatures (issue 24).
    campaigns (id) {
        id -> BigInt,
        slug -> Text,
        incubator_id -> BigInt,
        title -> Text,
        opens_on -> Date,
        closes_on -> Date,
        audience -> Text,
        description -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    campaign_criteria (id) {
        id -> BigInt,
        campaign_id -> BigInt,
        position -> Integer,
        key -> Text,
        label -> Text,
        weight -> Integer,
    }
}

diesel::table! {
    applications (id) {
        id -> BigInt,
        campaign_id -> BigInt,
        status -> Text,
        title -> Text,
        problem -> Text,
        who_suffers -> Text,
        current_workaround -> Text,
        first_users -> Text,
        intrapreneur_name -> Text,
        intrapreneur_email -> Text,
        availability_percent -> Integer,
        sponsor -> Text,
        consents -> Text,
        submitted_by -> Nullable<BigInt>,
        submitted_at -> Timestamp,
        product_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    application_status_history (id) {
        id -> BigInt,
        application_id -> BigInt,
        status -> Text,
        reason -> Nullable<Text>,
        actor_id -> Nullable<BigInt>,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    application_scores (id) {
        id -> BigInt,
        application_id -> BigInt,
        juror_id -> BigInt,
        conflict_of_interest -> Bool,
        scores -> Text,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(indicators -> products (product_id));
diesel::joinable!(measures -> indicators (indicator_id));
diesel::joinable!(indicator_sources -> indicators (indicator_id));
diesel::joinable!(measure_latest -> indicators (indicator_id));
diesel::joinable!(measure_months -> indicators (indicator_id));
diesel::joinable!(measure_history -> measures (measure_id));
diesel::joinable!(api_tokens -> products (product_id));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(user_identities -> users (user_id));
diesel::joinable!(contracts -> products (product_id));
diesel::joinable!(objectives -> contracts (contract_id));
diesel::joinable!(objectives -> indicators (indicator_id));
diesel::joinable!(commitments -> contracts (contract_id));
diesel::joinable!(spend -> products (product_id));
diesel::joinable!(reviews -> contracts (contract_id));
diesel::joinable!(campaigns -> incubators (incubator_id));
diesel::joinable!(campaign_criteria -> campaigns (campaign_id));
diesel::joinable!(applications -> campaigns (campaign_id));
diesel::joinable!(application_status_history -> applications (application_id));
diesel::joinable!(application_scores -> applications (application_id));

diesel::joinable!(irritants -> incubators (incubator_id));
diesel::joinable!(irritants -> users (author_id));
diesel::joinable!(irritants -> products (product_id));
diesel::joinable!(irritant_votes -> irritants (irritant_id));

diesel::joinable!(product_sheets -> products (product_id));
diesel::joinable!(product_tags -> products (product_id));
diesel::joinable!(product_incubators -> products (product_id));
diesel::joinable!(product_incubators -> incubators (incubator_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    user_identities,
    incubators,
    products,
    user_roles,
    api_tokens,
    decisions,
    phases,
    indicators,
    measures,
    measure_latest,
    measure_months,
    measure_history,
    contracts,
    contract_budgets,
    contract_milestones,
    objectives,
    commitments,
    spend,
    reviews,
    audit_log,
    login_attempts,
    one_time_tokens,
    product_events,
    product_catalogue,
    matrix_certifications,
    indicator_sources,
    runner_jobs,
    campaigns,
    campaign_criteria,
    applications,
    application_status_history,
    application_scores,
    irritants,
    irritant_votes,
    product_sheets,
    product_tags,
    product_incubators,
    auth_version,
);

diesel::table! {
    matrix_versions (product_id) {
        product_id -> BigInt,
        version -> BigInt,
    }
}

// Issue 24: the campaign's application that answers an irritant (migration 2026-12-07-110001).
diesel::joinable!(irritants -> applications (application_id));
