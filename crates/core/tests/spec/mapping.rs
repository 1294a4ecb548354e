//! Spec: the user-mapping CSV (tolerant headers, row-numbered problems, every problem at once) and the
//! resolution policy (CSV first, then automatic mapping by email, then the export's owner).

use std::path::{Path, PathBuf};

use chrono::DateTime;
use docket_core::mapping::{
    normalize_phone, MappingError, MappingOptions, MappingReport, MappingTable, Resolution, Resolver,
    RowProblem,
};
use docket_core::model::{Item, ItemKind, Participant, SourceKind};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mapping").join(name)
}

fn no_region() -> MappingOptions {
    MappingOptions::default()
}

fn region(code: &str) -> MappingOptions {
    MappingOptions { default_region: Some(code.to_string()) }
}

fn check(name: &str, options: &MappingOptions) -> MappingReport {
    match MappingTable::check(&fixture(name), options) {
        Ok(report) => report,
        Err(error) => panic!("{name} should be readable: {error}"),
    }
}

fn load(name: &str, options: &MappingOptions) -> MappingTable {
    match MappingTable::load(&fixture(name), options) {
        Ok(table) => table,
        Err(error) => panic!("{name} should load: {error}"),
    }
}

fn problem_rows(report: &MappingReport) -> Vec<usize> {
    report.problems.iter().map(|problem| problem.row).collect()
}

fn invalid_message(result: Result<MappingReport, MappingError>) -> String {
    match result {
        Err(MappingError::Invalid { message, .. }) => message.into_message(),
        other => panic!("expected an invalid file, got {other:?}"),
    }
}

#[test]
fn a_clean_file_maps_every_row() {
    let report = check("good.csv", &no_region());
    assert_eq!(report.problems, Vec::<RowProblem>::new());
    assert_eq!((report.rows, report.entries), (5, 5));
    assert_eq!(
        (report.phone_column.as_str(), report.address_column.as_str()),
        ("MobileNumber", "EmailAddress")
    );

    let table = load("good.csv", &no_region());
    assert_eq!(table.len(), 5);
    assert_eq!(table.lookup_phone("+447911123456"), Some("alice.smith@contoso.com"));
    assert_eq!(table.lookup_phone("\u{202a}+1 201-555-0123\u{202c}"), Some("bob@contoso.com"));
    assert_eq!(table.lookup_phone("+44 7911 123999"), None);
    assert_eq!(table.lookup_phone("not a number"), None);
}

#[test]
fn a_bom_and_semicolons_are_read_like_commas() {
    let table = load("bom_semicolon.csv", &region("GB"));
    assert_eq!(table.len(), 2);
    assert_eq!(table.lookup_phone("+44 7911 123456"), Some("alice@contoso.com"));
    assert_eq!(
        table.lookup_phone("07911 123456"),
        Some("alice@contoso.com"),
        "the default region applies to lookups"
    );
    assert_eq!(
        table.lookup_phone("+1 201 555 0123"),
        Some("bob@contoso.com"),
        "addresses are stored lowercase"
    );
    assert_eq!(table.default_region(), Some("GB"));
}

#[test]
fn header_names_are_matched_loosely_and_extra_columns_are_ignored() {
    let report = check("tolerant_headers.csv", &no_region());
    assert_eq!(report.problems, Vec::<RowProblem>::new());
    assert_eq!(
        (report.phone_column.as_str(), report.address_column.as_str()),
        ("PHONE-NUMBER", "user_principal_name")
    );
    let table = load("tolerant_headers.csv", &no_region());
    assert_eq!(table.lookup_phone("+1 201 555 0123"), Some("bob@contoso.com"));
}

#[test]
fn a_number_mapped_to_two_addresses_names_both_rows() {
    let report = check("conflicting_duplicates.csv", &no_region());
    assert_eq!(problem_rows(&report), [4]);
    let problem = &report.problems[0];
    assert_eq!(problem.field.as_deref(), Some("MobileNumber"));
    let shown = problem.to_string();
    assert!(
        shown.starts_with("row 4: +447911123456 appears twice with different addresses (rows 2 and 4"),
        "{shown}"
    );
    assert!(shown.contains("alice@contoso.com") && shown.contains("mallory@contoso.com"), "{shown}");
}

#[test]
fn an_exact_duplicate_row_is_not_a_problem_and_counts_once() {
    let report = check("exact_duplicate.csv", &no_region());
    assert_eq!(report.problems, Vec::<RowProblem>::new());
    assert_eq!((report.rows, report.entries), (3, 2));
}

#[test]
fn an_invalid_number_is_reported_with_its_row_and_how_to_fix_it() {
    let report = check("malformed/invalid_number.csv", &no_region());
    assert_eq!(problem_rows(&report), [3, 4]);
    let no_country_code = report.problems[0].to_string();
    assert!(no_country_code.starts_with("row 3: MobileNumber \"07911 123999\""), "{no_country_code}");
    assert!(no_country_code.contains("add the country code, e.g. +44"), "{no_country_code}");
    assert!(no_country_code.contains("or set the default region"), "{no_country_code}");
    assert!(
        report.problems[1].message.contains("\"+44 12\" is not a valid phone number"),
        "{:?}",
        report.problems[1]
    );

    let with_region = check("malformed/invalid_number.csv", &region("GB"));
    assert_eq!(problem_rows(&with_region), [4], "07911 123999 is a valid GB mobile number");
}

#[test]
fn an_invalid_address_is_reported_with_its_row() {
    let report = check("malformed/invalid_address.csv", &no_region());
    assert_eq!(problem_rows(&report), [3, 4]);
    assert_eq!(report.problems[0].field.as_deref(), Some("EmailAddress"));
    assert!(report.problems[0].message.contains("\"bob.contoso.com\" has no @"), "{:?}", report.problems[0]);
    assert!(report.problems[1].message.contains("domain without a dot"), "{:?}", report.problems[1]);
}

#[test]
fn a_formula_cell_is_refused_but_a_number_starting_with_plus_is_not() {
    let report = check("malformed/formula_cell.csv", &no_region());
    assert_eq!(problem_rows(&report), [3, 4]);
    for problem in &report.problems {
        assert!(
            problem.message.contains("this cell looks like a spreadsheet formula; Docket will not read it"),
            "{problem}"
        );
    }
    assert_eq!(report.entries, 1, "+44 7911 123456 on row 2 is a phone number, not a formula");

    let bytes = b"MobileNumber,EmailAddress\n+SUM(A1),a@contoso.com\n-1+2,b@contoso.com\n\tx,c@contoso.com\n";
    let report = MappingTable::check_bytes("inline.csv", bytes, &no_region()).expect("readable");
    let formulas = report.problems.iter().filter(|problem| problem.message.contains("formula")).count();
    assert_eq!((problem_rows(&report), formulas), (vec![2, 3, 4], 2), "{:?}", report.problems);
}

#[test]
fn a_missing_column_makes_the_file_invalid_and_names_the_expected_headers() {
    let message =
        invalid_message(MappingTable::check(&fixture("malformed/missing_address_column.csv"), &no_region()));
    assert!(message.contains("row 1") && message.contains("no address column"), "{message}");
    assert!(message.contains("EmailAddress") && message.contains("\"Name\""), "{message}");

    let message = invalid_message(MappingTable::check(&fixture("malformed/no_header.csv"), &no_region()));
    assert!(message.contains("no phone column and no address column"), "{message}");
    assert!(message.contains("The first row looks like data, not a header"), "{message}");

    let error = MappingTable::load(&fixture("malformed/no_header.csv"), &no_region()).expect_err("invalid");
    assert!(error.to_string().contains("no_header.csv"), "{error}");
}

#[test]
fn every_problem_is_collected_not_just_the_first() {
    let report = check("malformed/empty_cells.csv", &no_region());
    assert_eq!(problem_rows(&report), [2, 3]);
    assert!(report.problems[0].message.contains("the EmailAddress cell is empty"), "{:?}", report.problems);
    assert!(report.problems[1].message.contains("the MobileNumber cell is empty"), "{:?}", report.problems);
}

#[test]
fn row_numbers_count_blank_lines_like_a_spreadsheet() {
    let report = check("blank_lines.csv", &no_region());
    assert_eq!(report.rows, 2, "blank rows, and rows of empty cells, are skipped");
    assert_eq!(problem_rows(&report), [6]);
}

#[test]
fn a_row_with_too_few_fields_says_which_delimiter_the_file_uses() {
    let report = check("malformed/too_few_fields.csv", &no_region());
    assert_eq!(problem_rows(&report), [3]);
    assert_eq!(report.problems[0].field, None);
    assert!(report.problems[0].message.contains("commas (,)"), "{:?}", report.problems[0]);
}

#[test]
fn an_unclosed_quote_is_reported_at_the_row_where_it_opens() {
    let report = check("malformed/unclosed_quote.csv", &no_region());
    assert_eq!(problem_rows(&report), [3]);
    let message = &report.problems[0].message;
    assert!(message.contains("never closed, so rows 3-4 read as one cell"), "{message}");
}

#[test]
fn spreadsheet_damage_is_explained() {
    let report = check("malformed/scientific_notation.csv", &no_region());
    assert!(report.problems[0].message.contains("scientific notation"), "{:?}", report.problems);
    let report = check("malformed/not_utf8.csv", &no_region());
    assert_eq!(problem_rows(&report), [3]);
    assert!(report.problems[0].message.contains("CSV UTF-8"), "{:?}", report.problems);
}

#[test]
fn every_malformed_fixture_is_reported_with_a_row() {
    let dir = fixture("malformed");
    let mut names: Vec<PathBuf> =
        std::fs::read_dir(&dir).expect("fixtures").map(|e| e.expect("entry").path()).collect();
    names.sort();
    assert!(names.len() >= 6, "the malformed corpus has {} files", names.len());
    for path in names {
        match MappingTable::check(&path, &no_region()) {
            Ok(report) => assert!(!report.problems.is_empty(), "{} reported no problem", path.display()),
            Err(MappingError::Invalid { message, .. }) => {
                assert!(message.message.contains("row 1"), "{message}")
            }
            Err(other) => panic!("{}: unexpected {other}", path.display()),
        }
        let error = MappingTable::load(&path, &no_region()).expect_err("a malformed file never loads");
        let shown = error.to_string();
        assert!(shown.contains(&path.display().to_string()) && shown.contains("row "), "{shown}");
    }
}

#[test]
fn loading_refuses_a_file_with_any_problem_and_lists_the_first_ten() {
    let mut csv = String::from("MobileNumber,EmailAddress\n");
    for n in 0..13 {
        csv.push_str(&format!("+44 12{n},user{n}@contoso.com\n"));
    }
    let error = MappingTable::from_reader("many.csv", csv.as_bytes(), &no_region()).expect_err("problems");
    assert!(error.is_permanent());
    let MappingError::Problems { problems, .. } = &error else { panic!("expected problems, got {error}") };
    assert_eq!(problems.len(), 13);
    let shown = error.to_string();
    assert!(shown.starts_with("the mapping file many.csv has 13 problems:"), "{shown}");
    assert!(shown.contains("row 11:") && !shown.contains("row 12:"), "{shown}");
    assert!(
        shown.contains("and 3 more") && shown.ends_with("fix these rows and choose the file again"),
        "{shown}"
    );
}

#[test]
fn files_that_cannot_be_read_as_a_table_are_invalid() {
    let empty = invalid_message(MappingTable::check_bytes("empty.csv", b"", &no_region()));
    assert!(empty.contains("no rows"), "{empty}");
    let utf16 = invalid_message(MappingTable::check_bytes("utf16.csv", b"\xff\xfeM\x00o\x00", &no_region()));
    assert!(utf16.contains("CSV UTF-8"), "{utf16}");
    let twice = invalid_message(MappingTable::check_bytes("two.csv", b"Email,Phone,email\n", &no_region()));
    assert!(twice.contains("two address columns"), "{twice}");
    let quote = invalid_message(MappingTable::check_bytes(
        "q.csv",
        b"\"MobileNumber,Email\n+1,a@b.c\n",
        &no_region(),
    ));
    assert!(quote.contains("header row (row 1) is never closed"), "{quote}");
    let region = invalid_message(MappingTable::check(&fixture("good.csv"), &region("Britain")));
    assert!(region.contains("\"Britain\""), "{region}");
    let missing = MappingTable::check(&fixture("does-not-exist.csv"), &no_region());
    assert!(matches!(missing, Err(MappingError::Read { .. })), "{missing:?}");
}

#[test]
fn mailboxes_lists_each_address_once() {
    let csv =
        b"MobileNumber,EmailAddress\n+44 7911 123456,alice@contoso.com\n+44 7911 123999,Alice@Contoso.com\n\
                +1 201 555 0123,bob@contoso.com\n";
    let table = MappingTable::from_reader("two-phones.csv", csv, &no_region()).expect("loads");
    assert_eq!(table.len(), 3);
    assert_eq!(table.mailboxes().collect::<Vec<_>>(), ["alice@contoso.com", "bob@contoso.com"]);
}

#[test]
fn phone_numbers_normalise_to_e164() {
    assert_eq!(
        normalize_phone("+44 (0) 7911-123456", None).as_deref(),
        Some("+447911123456"),
        "the trunk 0 people write after the country code is dropped"
    );
    assert_eq!(normalize_phone("07911 123456", Some("GB")).as_deref(), Some("+447911123456"));
    assert_eq!(normalize_phone("(201) 555-0123", Some("US")).as_deref(), Some("+12015550123"));
}

#[test]
fn arbitrary_bytes_never_panic() {
    let good = std::fs::read(fixture("good.csv")).expect("good.csv");
    let alphabet = b",;\"\r\n+=@ \t0123456789abc\xef\xbb\xbf\xff";
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..400 {
        let mut bytes = good.clone();
        for _ in 0..(next() % 12) {
            let at = (next() as usize) % (bytes.len() + 1);
            let byte = alphabet[(next() as usize) % alphabet.len()];
            match next() % 3 {
                0 if at < bytes.len() => bytes[at] = byte,
                1 if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, byte),
            }
        }
        if let Ok(report) = MappingTable::check_bytes("fuzz.csv", &bytes, &region("GB")) {
            assert!(report.problems.iter().all(|problem| problem.row >= 1));
        }
    }
}

// Resolution.

fn participant(name: &str, phone: Option<&str>, email: Option<&str>) -> Participant {
    Participant {
        display_name: name.to_string(),
        phone: phone.map(str::to_string),
        email: email.map(str::to_string),
        handle: None,
        mailbox: None,
    }
}

fn item(sender: Participant, recipients: Vec<Participant>) -> Item {
    Item {
        key: "whatsapp:desk:1".to_string(),
        source: SourceKind::WhatsApp,
        kind: ItemKind::Message,
        chat: "Desk".to_string(),
        source_id: "line 1".to_string(),
        timestamp: DateTime::parse_from_rfc3339("2024-03-01T09:30:00+00:00").expect("timestamp"),
        sender,
        recipients,
        text: "hello".to_string(),
        reply_to: None,
        references: Vec::new(),
        attachments: Vec::new(),
        notes: Vec::new(),
        extra_headers: Vec::new(),
        record_digest: String::new(),
    }
}

fn mailboxes(resolution: Resolution) -> Vec<String> {
    match resolution {
        Resolution::Mailboxes(mailboxes) => mailboxes,
        Resolution::Unmapped { reason } => panic!("expected mailboxes, got unmapped: {reason}"),
    }
}

fn unmapped_reason(resolution: Resolution) -> String {
    match resolution {
        Resolution::Unmapped { reason } => reason.into_message(),
        Resolution::Mailboxes(mailboxes) => panic!("expected unmapped, got {mailboxes:?}"),
    }
}

fn good_table() -> Option<MappingTable> {
    Some(load("good.csv", &no_region()))
}

#[test]
fn the_csv_is_tried_before_the_participants_email_address() {
    let alice = participant("Alice", Some("+44 7911 123456"), Some("alice.personal@example.com"));
    let resolver = Resolver::new(good_table(), true, None);
    assert_eq!(mailboxes(resolver.resolve(&item(alice, vec![]))), ["alice.smith@contoso.com"]);
}

#[test]
fn automatic_mapping_uses_the_participants_email_lowercased() {
    let erin = participant("Erin", Some("+44 7911 123999"), Some(" Erin@Contoso.com "));
    let resolver = Resolver::new(good_table(), true, None);
    assert_eq!(mailboxes(resolver.resolve(&item(erin, vec![]))), ["erin@contoso.com"]);
}

#[test]
fn with_automatic_mapping_on_the_exports_owner_gets_every_item() {
    let stranger = participant("Stranger", Some("+44 7911 123999"), None);
    let resolver = Resolver::new(good_table(), true, Some("Owner@Contoso.com".to_string()));
    assert_eq!(mailboxes(resolver.resolve(&item(stranger, vec![]))), ["owner@contoso.com"]);
}

#[test]
fn mailboxes_are_sorted_lowercase_and_deduplicated() {
    let bob = participant("Bob", Some("+12015550123"), None);
    let alice = participant("Alice", Some("+447911123456"), None);
    let alice_again = participant("Alice (work)", None, Some("ALICE.SMITH@contoso.com"));
    let resolver = Resolver::new(good_table(), true, Some("bob@contoso.com".to_string()));
    let resolved = mailboxes(resolver.resolve(&item(bob, vec![alice, alice_again])));
    assert_eq!(resolved, ["alice.smith@contoso.com", "bob@contoso.com"]);
}

#[test]
fn with_automatic_mapping_off_only_the_csv_maps() {
    let resolver = Resolver::new(good_table(), false, Some("owner@contoso.com".to_string()));
    let erin = participant("Erin", None, Some("erin@contoso.com"));
    let alice = participant("Alice", Some("+44 7911 123456"), None);
    assert_eq!(mailboxes(resolver.resolve(&item(erin.clone(), vec![alice]))), ["alice.smith@contoso.com"]);
    let reason = unmapped_reason(resolver.resolve(&item(erin, vec![])));
    assert!(reason.contains("automatic mapping is off"), "{reason}");
}

#[test]
fn an_unmapped_item_names_its_participants_and_why() {
    let resolver = Resolver::new(good_table(), false, None);
    let frank = participant("Frank", Some("+44 7911 123999"), None);
    let grace = participant("Grace", None, Some("grace@contoso.com"));
    let reason = unmapped_reason(resolver.resolve(&item(frank.clone(), vec![grace, frank])));
    assert!(
        reason.starts_with(
            "no participant maps to a Microsoft 365 mailbox: Frank (+44 7911 123999) is not in the mapping CSV; \
             Grace has no phone number; automatic mapping is off"
        ),
        "{reason}"
    );

    let no_csv = Resolver::new(None, true, None);
    let heidi = participant("Heidi", Some("+44 7911 123999"), Some("heidi at contoso"));
    let reason = unmapped_reason(no_csv.resolve(&item(heidi, vec![])));
    assert!(
        reason.contains("Heidi (+44 7911 123999) has a phone number but there is no mapping CSV"),
        "{reason}"
    );
    assert!(reason.contains("\"heidi at contoso\""), "{reason}");
}

#[test]
fn one_check_reads_the_telegram_columns_the_phone_column_or_both_and_lists_every_mailbox() {
    use docket_core::mapping::{check_file, file_mailboxes};
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path
    };
    let telegram_only = write(
        "telegram.csv",
        "TelegramUserId,TelegramUsername,EmailAddress\n1001,alice_ops,Alice@contoso.com\n1002,,bob@contoso.com\n",
    );
    let report = check_file(&telegram_only, &no_region()).expect("readable");
    assert_eq!((report.rows, report.entries, report.telegram_entries), (2, 0, 3));
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(
        file_mailboxes(&telegram_only, &no_region()).expect("mailboxes"),
        ["alice@contoso.com", "bob@contoso.com"]
    );

    let both = write(
        "both.csv",
        "MobileNumber,TelegramUserId,EmailAddress\n+447700900123,,phone@contoso.com\n,1001,alice@contoso.com\n",
    );
    let report = check_file(&both, &no_region()).expect("readable");
    assert_eq!((report.entries, report.telegram_entries), (1, 1));
    let mut mailboxes = file_mailboxes(&both, &no_region()).expect("mailboxes");
    mailboxes.sort();
    assert_eq!(mailboxes, ["alice@contoso.com", "phone@contoso.com"]);

    let bad =
        write("bad.csv", "TelegramUserId,EmailAddress\nminus-one,alice@contoso.com\n7,not-an-address\n");
    let report = check_file(&bad, &no_region()).expect("problems are a report, not an error");
    assert_eq!(problem_rows(&report), [2, 3], "{:?}", report.problems);
    assert!(report.problems[0].message.contains("TelegramUserId"), "{:?}", report.problems);

    let phones = check_file(&fixture("good.csv"), &no_region());
    assert!(phones.is_ok_and(|r| r.telegram_entries == 0), "a phone-only file reads as before");
}
