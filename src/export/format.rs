//! The download formats and the one driver that streams them. A format ([`Format`]) writes the
//! records before the respondents (a CSV header, the JSON document's opening), each respondent's
//! records (a long-CSV row per answer, a wide-CSV row or a JSON object per respondent) and the
//! records after them; the driver ([`stream`]) walks the answers one respondent at a time and
//! sends the records in chunks through a bounded channel, so memory stays flat however big the
//! export.
use super::db::Answered;
use super::prepare::{Carried, Lead, Prepared, is_text};
use super::service::LONG_COLUMNS;
use crate::instrument::ItemType;
use crate::server::AppState;
use std::collections::HashMap;

/// A piece of a download, or the failure that ends it.
pub(super) type Chunk = Result<axum::body::Bytes, std::io::Error>;

/// What a download's records are written into until a chunk is due.
pub(super) trait Buffer: Send + Sync {
    fn fresh() -> Self;
    fn bytes(self) -> Result<Vec<u8>, String>;
}

impl Buffer for csv::Writer<Vec<u8>> {
    fn fresh() -> Self {
        csv::Writer::from_writer(Vec::with_capacity(64 * 1024))
    }
    fn bytes(self) -> Result<Vec<u8>, String> {
        self.into_inner().map_err(|e| e.to_string())
    }
}

impl Buffer for Vec<u8> {
    fn fresh() -> Self {
        Vec::with_capacity(64 * 1024)
    }
    fn bytes(self) -> Result<Vec<u8>, String> {
        Ok(self)
    }
}

/// Where a format writes its records: the chunk under way, cut every `every` records (a header
/// included). Full chunks wait in `due` until the driver sends them, right after the format call
/// that filled them: at most one respondent's records wait.
pub(super) struct Records<B> {
    out: B,
    every: usize,
    /// Records written, a CSV header included.
    written: usize,
    due: Vec<B>,
}

impl<B: Buffer> Records<B> {
    fn new(every: usize) -> Self {
        Self {
            out: B::fresh(),
            every,
            written: 0,
            due: Vec::new(),
        }
    }

    /// Counts a record written; cuts a chunk when one is due.
    fn counted(&mut self) {
        self.written += 1;
        if self.written.is_multiple_of(self.every) {
            let full = std::mem::replace(&mut self.out, B::fresh());
            self.due.push(full);
        }
    }
}

impl Records<csv::Writer<Vec<u8>>> {
    /// Writes one CSV record.
    pub(super) fn write<I, T>(&mut self, record: I) -> Result<(), String>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.out.write_record(record).map_err(|e| e.to_string())?;
        self.counted();
        Ok(())
    }
}

impl Records<Vec<u8>> {
    /// Writes `text` as one record.
    pub(super) fn write(&mut self, text: &[u8]) {
        self.out.extend_from_slice(text);
        self.counted();
    }
}

/// A download format: what goes before the respondents, each respondent's records, and what
/// goes after them. Each writes whole records into `out`; an `Err` fails the download with its
/// message.
pub(super) trait Format: Send + 'static {
    /// What its records are written into.
    type Out: Buffer;
    /// Records per chunk.
    const EVERY: usize;

    /// The records before the respondents.
    fn header(&mut self, out: &mut Records<Self::Out>) -> Result<(), String>;

    /// One respondent's records: `lead` with the answers the export carries for them, by item
    /// id.
    fn respondent(
        &mut self,
        prep: &Prepared,
        lead: &Lead,
        answers: Vec<Carried<'_>>,
        out: &mut Records<Self::Out>,
    ) -> Result<(), String>;

    /// The records after the respondents.
    fn footer(&mut self, out: &mut Records<Self::Out>) -> Result<(), String> {
        let _ = out;
        Ok(())
    }
}

/// A download's records on their way: the chunks go through a bounded channel. Failures reach
/// the download as the stream's error. The sending methods say `false` when the download is
/// over (abandoned or failed): the driver then stops.
struct Chunks<B> {
    records: Records<B>,
    tx: tokio::sync::mpsc::Sender<Chunk>,
}

impl<B: Buffer> Chunks<B> {
    async fn fail(&self, message: String) -> bool {
        let _ = self.tx.send(Err(std::io::Error::other(message))).await;
        false
    }

    /// A failed query: logged, and the download fails without the details.
    async fn failed(&self, e: sqlx::Error) {
        tracing::error!(error = %e, "export query failed");
        self.fail("export failed".into()).await;
    }

    async fn send(&self, out: B) -> bool {
        match out.bytes() {
            Ok(bytes) => self.tx.send(Ok(bytes.into())).await.is_ok(),
            Err(e) => self.fail(e).await,
        }
    }

    /// After a format wrote: sends the chunks that came due, then its failure if it failed.
    async fn sent(&mut self, wrote: Result<(), String>) -> bool {
        for full in std::mem::take(&mut self.records.due) {
            if !self.send(full).await {
                return false;
            }
        }
        match wrote {
            Ok(()) => true,
            Err(e) => self.fail(e).await,
        }
    }

    /// Sends what is written so far.
    async fn flush(&mut self) -> bool {
        let now = std::mem::replace(&mut self.records.out, B::fresh());
        self.send(now).await
    }
}

/// The one streaming driver: writes `format`'s header; then, once `respondents` has given the
/// prepared respondents and their answers, each respondent as their answers stream past; then
/// the footer; in chunks of `F::EVERY` records through `tx`. With `header_at_once` the header goes
/// out by itself before the respondents are awaited (the download starts while they are read).
/// The number of records between header and footer once everything went out; `None` when the
/// download was abandoned or failed (a failure reaches it as the stream's error).
pub(super) async fn stream<F, R, S>(
    mut format: F,
    tx: tokio::sync::mpsc::Sender<Chunk>,
    header_at_once: bool,
    respondents: R,
) -> Option<usize>
where
    F: Format,
    R: Future<Output = Result<(Prepared, S), sqlx::Error>>,
    S: futures::Stream<Item = Result<Vec<Answered>, sqlx::Error>>,
{
    let mut out = Chunks {
        records: Records::<F::Out>::new(F::EVERY),
        tx,
    };
    let wrote = format.header(&mut out.records);
    if !out.sent(wrote).await || (header_at_once && !out.flush().await) {
        return None;
    }
    let (prep, answers) = match respondents.await {
        Ok(ready) => ready,
        Err(e) => {
            out.failed(e).await;
            return None;
        }
    };
    let opening = out.records.written;
    let mut walk = prep.walk(answers);
    loop {
        let (lead, answers) = match walk.next().await {
            Ok(Some(next)) => next,
            Ok(None) => break,
            Err(e) => {
                out.failed(e).await;
                return None;
            }
        };
        let wrote = format.respondent(&prep, lead, answers, &mut out.records);
        if !out.sent(wrote).await {
            return None; // abandoned or failed
        }
    }
    let rows = out.records.written - opening;
    let wrote = format.footer(&mut out.records);
    (out.sent(wrote).await && out.flush().await).then_some(rows)
}

/// A respondent's answers by item id.
fn by_item(answers: Vec<Carried<'_>>) -> HashMap<String, String> {
    answers.into_iter().map(|(i, v, _)| (i, v)).collect()
}

/// The wide layout: item columns in questionnaire order (versions oldest first) and the scored
/// categories (Likert items), whose scale score is the mean of a respondent's answered items.
pub(super) struct Wide {
    columns: Vec<String>,
    scored: Vec<(String, Vec<String>)>,
}

impl Wide {
    pub(super) fn of(state: &AppState, prep: &Prepared) -> Self {
        let mut columns: Vec<String> = Vec::new();
        let mut scored: Vec<(String, Vec<String>)> = Vec::new();
        for &v in &prep.versions {
            let Some(inst) = state.instruments.get(&prep.filter.instrument, v) else {
                continue;
            };
            for c in &inst.categories {
                for i in c.items().filter(|i| prep.filter.text || !is_text(i.kind)) {
                    if !columns.contains(&i.id) {
                        columns.push(i.id.clone());
                    }
                    if i.kind == ItemType::Likert {
                        match scored.iter_mut().find(|(id, _)| *id == c.id) {
                            Some((_, items)) if !items.contains(&i.id) => items.push(i.id.clone()),
                            Some(_) => {}
                            None => scored.push((c.id.clone(), vec![i.id.clone()])),
                        }
                    }
                }
            }
        }
        Self { columns, scored }
    }

    /// The scored categories' ids, in the order of their `score_<category>` columns.
    pub(super) fn scored_categories(&self) -> Vec<String> {
        self.scored.iter().map(|(c, _)| c.clone()).collect()
    }

    fn header(&self) -> Vec<String> {
        let mut header: Vec<String> = LONG_COLUMNS[..9].iter().map(|c| c.to_string()).collect();
        header.extend(self.columns.iter().cloned());
        header.extend(self.scored.iter().map(|(c, _)| format!("score_{c}")));
        header
    }

    /// Per scored category the respondent's scale score.
    fn scores(&self, values: &HashMap<String, String>) -> Vec<Option<f64>> {
        self.scored
            .iter()
            .map(|(_, ids)| {
                let scores: Vec<Option<f64>> = ids
                    .iter()
                    .map(|i| values.get(i).and_then(|v| v.parse().ok()))
                    .collect();
                super::stats::scale_score(&scores)
            })
            .collect()
    }
}

/// The long CSV: one row per answer, the columns [`LONG_COLUMNS`].
pub(super) struct LongCsv;

impl Format for LongCsv {
    type Out = csv::Writer<Vec<u8>>;
    /// About 40 KB.
    const EVERY: usize = 500;

    fn header(&mut self, out: &mut Records<Self::Out>) -> Result<(), String> {
        out.write(LONG_COLUMNS)
    }

    fn respondent(
        &mut self,
        prep: &Prepared,
        lead: &Lead,
        answers: Vec<Carried<'_>>,
        out: &mut Records<Self::Out>,
    ) -> Result<(), String> {
        let columns = prep.lead_columns(lead);
        for (item, value, place) in &answers {
            out.write(columns.iter().copied().chain([
                place.category.as_str(),
                place.subcategory.as_str(),
                item.as_str(),
                value.as_str(),
            ]))?;
        }
        Ok(())
    }
}

/// The wide CSV: one row per respondent, the leading columns, one column per exported item,
/// then `score_<category>` per scored category.
pub(super) struct WideCsv(Wide);

impl WideCsv {
    pub(super) fn of(state: &AppState, prep: &Prepared) -> Self {
        Self(Wide::of(state, prep))
    }
}

impl Format for WideCsv {
    type Out = csv::Writer<Vec<u8>>;
    const EVERY: usize = 200;

    fn header(&mut self, out: &mut Records<Self::Out>) -> Result<(), String> {
        out.write(self.0.header())
    }

    fn respondent(
        &mut self,
        prep: &Prepared,
        lead: &Lead,
        answers: Vec<Carried<'_>>,
        out: &mut Records<Self::Out>,
    ) -> Result<(), String> {
        let values = by_item(answers);
        let wide = &self.0;
        let record = prep
            .lead_columns(lead)
            .into_iter()
            .map(str::to_string)
            .chain(
                wide.columns
                    .iter()
                    .map(|c| values.get(c).cloned().unwrap_or_default()),
            )
            .chain(
                wide.scores(&values)
                    .into_iter()
                    .map(|s| s.map(|m| format!("{m:.4}")).unwrap_or_default()),
            );
        out.write(record)
    }
}

/// The JSON document: `{"codebook", "instrument", "minimum_group_size", "versions",
/// "written_answers", "respondents": [...]}`, each respondent an object with the leading
/// columns, `answers` (item id → value as stored, as in the CSV) and `scores` (category id →
/// scale score or null), one a line.
pub(super) struct Json {
    wide: Wide,
    /// The head object, opened again to add the respondents.
    opening: String,
    first: bool,
}

impl Json {
    pub(super) fn of(state: &AppState, prep: &Prepared) -> Self {
        Self::new(Wide::of(state, prep), prep)
    }

    fn new(wide: Wide, prep: &Prepared) -> Self {
        let head = serde_json::json!({
            "instrument": prep.filter.instrument,
            "versions": prep.versions,
            "minimum_group_size": prep.k,
            "written_answers": prep.filter.text,
            "codebook": "The codebook with the same filters gives every item's text, values and labels.",
        })
        .to_string();
        let opening = format!("{},\"respondents\":[", &head[..head.len() - 1]);
        Self {
            wide,
            opening,
            first: true,
        }
    }
}

impl Format for Json {
    type Out = Vec<u8>;
    const EVERY: usize = 200;

    fn header(&mut self, out: &mut Records<Self::Out>) -> Result<(), String> {
        out.write(self.opening.as_bytes());
        Ok(())
    }

    fn respondent(
        &mut self,
        prep: &Prepared,
        lead: &Lead,
        answers: Vec<Carried<'_>>,
        out: &mut Records<Self::Out>,
    ) -> Result<(), String> {
        let values = by_item(answers);
        let mut record = serde_json::Map::new();
        for (name, value) in LONG_COLUMNS.iter().zip(prep.lead_columns(lead)) {
            let value = match *name {
                "version" => serde_json::json!(lead.version),
                _ => serde_json::json!(value),
            };
            record.insert(name.to_string(), value);
        }
        let answers: serde_json::Map<String, serde_json::Value> = values
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::json!(v)))
            .collect();
        record.insert("answers".into(), answers.into());
        let scores: serde_json::Map<String, serde_json::Value> = self
            .wide
            .scored
            .iter()
            .zip(self.wide.scores(&values))
            .map(|((c, _), s)| (c.clone(), serde_json::json!(s)))
            .collect();
        record.insert("scores".into(), scores.into());
        let mut text = if self.first { "\n" } else { ",\n" }.to_string();
        self.first = false;
        text.push_str(&serde_json::Value::Object(record).to_string());
        out.write(text.as_bytes());
        Ok(())
    }

    fn footer(&mut self, out: &mut Records<Self::Out>) -> Result<(), String> {
        out.write(b"\n]}\n");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::db::ExportFilter;
    use crate::export::prepare::{ItemPlace, Symbols};

    const TEACHER: &str = crate::values::RespondentRole::Teacher.as_str();
    const LEADERS: &str = crate::values::RoleGroup::Leaders.as_str();

    type Answers =
        std::pin::Pin<Box<dyn futures::Stream<Item = Result<Vec<Answered>, sqlx::Error>> + Send>>;

    /// Three respondents of questionnaire `demo` version 1: R0002 (answered in Dutch, written
    /// answers exported), R0001 (a coarsened group, language "any": their written answer stays
    /// out; one item missing, one "na"), R0003 (answered in Swedish, no answers at all).
    fn prepared() -> Prepared {
        let mut symbols = Symbols::default();
        let mut lead = |pseudonym: &str, columns: [&str; 7], text: bool| Lead {
            pseudonym: pseudonym.into(),
            version: 1,
            columns: columns.map(|c| symbols.of(c)),
            text,
            hide_identifying: false,
        };
        let leads = vec![
            lead(
                "R0002",
                ["S0001", "nl", TEACHER, "data_use", "1", "2026-03", "nl"],
                true,
            ),
            lead(
                "R0001",
                ["other", "other", LEADERS, "any", "1", "2026", "any"],
                false,
            ),
            lead(
                "R0003",
                ["S0001", "nl", TEACHER, "data_use", "1", "2026-03", "sv"],
                true,
            ),
        ];
        let place = |category: &str, subcategory: &str, text: bool| {
            vec![ItemPlace {
                version: 1,
                category: category.into(),
                subcategory: subcategory.into(),
                text,
                identifying: false,
            }]
        };
        let items = HashMap::from([
            ("q1".to_string(), place("lead", "vision", false)),
            ("q2".to_string(), place("lead", "vision", false)),
            ("years".to_string(), place("about", "you", false)),
            ("note".to_string(), place("about", "you", true)),
        ]);
        let index = HashMap::from([("ra".into(), 0), ("rb".into(), 1), ("rc".into(), 2)]);
        Prepared {
            filter: ExportFilter {
                instrument: "demo".into(),
                text: true,
                ..Default::default()
            },
            index,
            leads,
            symbols,
            items,
            versions: vec![1],
            report: Vec::new(),
            k: 5,
        }
    }

    /// The answers as the database gives them (by reflection id, each by item id), in two
    /// batches; `rx` is left out by the group-size rules, `gone` is no exported item.
    fn answers() -> Answers {
        let answered = |reflection: &str, answers: &[(&str, &str)]| Answered {
            reflection: reflection.into(),
            answers: answers
                .iter()
                .map(|(i, v)| (i.to_string(), v.to_string()))
                .collect(),
        };
        Box::pin(futures::stream::iter([
            Ok(vec![
                answered(
                    "ra",
                    &[
                        ("gone", "x"),
                        ("note", "Yes, \"really\"\nsecond line"),
                        ("q1", "4"),
                        ("q2", "5"),
                        ("years", "12"),
                    ],
                ),
                answered("rx", &[("q1", "1")]),
            ]),
            Ok(vec![answered(
                "rb",
                &[("note", "hidden"), ("q1", "3"), ("q2", "na")],
            )]),
        ]))
    }

    fn columns() -> Vec<String> {
        ["q1", "q2", "years", "note"].map(String::from).to_vec()
    }

    fn scored() -> Vec<(String, Vec<String>)> {
        vec![("lead".into(), vec!["q1".into(), "q2".into()])]
    }

    const LONG_CSV: &str = "\
respondent,school,country,role,innovation,instrument,version,period,language,category,subcategory,item,value
R0002,S0001,nl,teacher,data_use,demo,1,2026-03,nl,about,you,note,\"Yes, \"\"really\"\"
second line\"
R0002,S0001,nl,teacher,data_use,demo,1,2026-03,nl,lead,vision,q1,4
R0002,S0001,nl,teacher,data_use,demo,1,2026-03,nl,lead,vision,q2,5
R0002,S0001,nl,teacher,data_use,demo,1,2026-03,nl,about,you,years,12
R0001,other,other,leaders,any,demo,1,2026,any,lead,vision,q1,3
R0001,other,other,leaders,any,demo,1,2026,any,lead,vision,q2,na
";

    const WIDE_CSV: &str = "\
respondent,school,country,role,innovation,instrument,version,period,language,q1,q2,years,note,score_lead
R0002,S0001,nl,teacher,data_use,demo,1,2026-03,nl,4,5,12,\"Yes, \"\"really\"\"
second line\",4.5000
R0001,other,other,leaders,any,demo,1,2026,any,3,na,,,3.0000
R0003,S0001,nl,teacher,data_use,demo,1,2026-03,sv,,,,,
";

    const JSON: &str = r#"{"codebook":"The codebook with the same filters gives every item's text, values and labels.","instrument":"demo","minimum_group_size":5,"versions":[1],"written_answers":true,"respondents":[
{"answers":{"note":"Yes, \"really\"\nsecond line","q1":"4","q2":"5","years":"12"},"country":"nl","innovation":"data_use","instrument":"demo","language":"nl","period":"2026-03","respondent":"R0002","role":"teacher","school":"S0001","scores":{"lead":4.5},"version":1},
{"answers":{"q1":"3","q2":"na"},"country":"other","innovation":"any","instrument":"demo","language":"any","period":"2026","respondent":"R0001","role":"leaders","school":"other","scores":{"lead":3.0},"version":1},
{"answers":{},"country":"nl","innovation":"data_use","instrument":"demo","language":"sv","period":"2026-03","respondent":"R0003","role":"teacher","school":"S0001","scores":{"lead":null},"version":1}
]}
"#;

    /// What the driver sent: each chunk, a failure as `ERROR <message>`; and what it returned.
    async fn run<F: Format>(
        format: F,
        header_at_once: bool,
        respondents: Result<(Prepared, Answers), sqlx::Error>,
    ) -> (Vec<Vec<u8>>, Option<usize>) {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Chunk>(8);
        let driver = stream(format, tx, header_at_once, std::future::ready(respondents));
        let received = async {
            let mut chunks = Vec::new();
            while let Some(c) = rx.recv().await {
                chunks.push(
                    c.map(|b| b.to_vec())
                        .unwrap_or_else(|e| format!("ERROR {e}").into_bytes()),
                );
            }
            chunks
        };
        let (rows, chunks) = tokio::join!(driver, received);
        (chunks, rows)
    }

    fn text(chunks: &[Vec<u8>]) -> String {
        String::from_utf8(chunks.concat()).unwrap()
    }

    fn wide() -> Wide {
        Wide {
            columns: columns(),
            scored: scored(),
        }
    }

    #[tokio::test]
    async fn long_csv_bytes() {
        let (chunks, rows) = run(LongCsv, true, Ok((prepared(), answers()))).await;
        assert_eq!(text(&chunks), LONG_CSV);
        assert_eq!(chunks.len(), 2, "the header at once, then the rest");
        assert_eq!(rows, Some(6));
    }

    #[tokio::test]
    async fn wide_csv_bytes() {
        let (chunks, rows) = run(WideCsv(wide()), false, Ok((prepared(), answers()))).await;
        assert_eq!(text(&chunks), WIDE_CSV);
        assert_eq!(chunks.len(), 1);
        assert_eq!(rows, Some(3));
    }

    #[tokio::test]
    async fn json_bytes() {
        let prep = prepared();
        let format = Json::new(wide(), &prep);
        let (chunks, rows) = run(format, false, Ok((prep, answers()))).await;
        assert_eq!(text(&chunks), JSON);
        assert_eq!(chunks.len(), 1);
        assert_eq!(
            rows,
            Some(3),
            "respondents, without the opening and the closing"
        );
        let doc: serde_json::Value = serde_json::from_str(JSON).unwrap();
        assert_eq!(doc["respondents"].as_array().map(Vec::len), Some(3));
    }

    /// Two respondents answering 300 items each: 600 rows.
    fn many() -> (Prepared, Answers) {
        let mut prep = prepared();
        let ids: Vec<String> = (0..300).map(|i| format!("i{i:03}")).collect();
        prep.items = ids
            .iter()
            .map(|id| {
                let place = ItemPlace {
                    version: 1,
                    category: "c".into(),
                    subcategory: "s".into(),
                    text: false,
                    identifying: false,
                };
                (id.clone(), vec![place])
            })
            .collect();
        prep.leads.truncate(2);
        prep.index.remove("rc");
        let batch = ["ra", "rb"]
            .map(|r| Answered {
                reflection: r.into(),
                answers: ids.iter().map(|i| (i.clone(), "1".to_string())).collect(),
            })
            .into();
        (prep, Box::pin(futures::stream::iter([Ok(batch)])))
    }

    #[tokio::test]
    async fn chunks_are_cut_every_500_records_within_a_respondent() {
        let (chunks, rows) = run(LongCsv, true, Ok(many())).await;
        assert_eq!(rows, Some(600));
        let lines: Vec<usize> = chunks
            .iter()
            .map(|c| c.iter().filter(|b| **b == b'\n').count())
            .collect();
        // the header alone, then 499 rows (the header counts as a record), then the rest
        assert_eq!(lines, [1, 499, 101]);
        let all = text(&chunks);
        assert!(all.starts_with(&format!("{}\n", LONG_COLUMNS.join(","))));
        assert!(all.ends_with("R0001,other,other,leaders,any,demo,1,2026,any,c,s,i299,1\n"));
    }

    #[tokio::test]
    async fn a_failed_query_fails_the_download() {
        let failing: Answers = Box::pin(futures::stream::iter([
            Ok(Vec::new()),
            Err(sqlx::Error::RowNotFound),
        ]));
        let header = format!("{}\n", LONG_COLUMNS.join(","));
        let (chunks, rows) = run(LongCsv, true, Ok((prepared(), failing))).await;
        assert_eq!(
            chunks,
            [header.clone().into_bytes(), b"ERROR export failed".to_vec()]
        );
        assert_eq!(rows, None);
        // the respondents unreadable: the header is out already
        let (chunks, rows) = run(LongCsv, true, Err(sqlx::Error::RowNotFound)).await;
        assert_eq!(
            chunks,
            [header.into_bytes(), b"ERROR export failed".to_vec()]
        );
        assert_eq!(rows, None);
    }
}
