//! The school report as a PDF (A4) the coordinator can download and share: laid out here, line by
//! line, from the same report as the page; every chart beside its table of figures. Text is set in
//! DejaVu Sans, embedded in the binary and in each PDF (a TrueType font with the letters of every
//! language Reflect speaks), so nothing is fetched and the file looks the same everywhere.
use super::model::*;
use super::report_page as text;
use super::stats::Estimate;
use crate::i18n::td_string;
use crate::lang::Locale;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

const FONT: &[u8] = include_bytes!("../../public/fonts/DejaVuSans.ttf");
/// A4 in points.
const WIDTH: f32 = 595.28;
const HEIGHT: f32 = 841.89;
const MARGIN: f32 = 50.0;
const BODY: f32 = 10.0;
const FOOTER: f32 = 30.0;

/// One thing drawn on a page (`y` is the baseline of text, from the bottom of the page).
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    /// A filled rectangle, in grey (0 black, 1 white).
    Box {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: f32,
    },
}

/// The font's glyphs and their widths.
pub struct Font<'a> {
    face: ttf_parser::Face<'a>,
    units: f32,
}

impl Font<'static> {
    pub fn embedded() -> Option<Self> {
        let face = ttf_parser::Face::parse(FONT, 0).ok()?;
        let units = f32::from(face.units_per_em());
        Some(Font { face, units })
    }
}

impl Font<'_> {
    fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(0, |g| g.0)
    }

    fn advance(&self, glyph: u16) -> f32 {
        self.face
            .glyph_hor_advance(ttf_parser::GlyphId(glyph))
            .map_or(0.0, f32::from)
    }

    /// The width of `s` set at `size` points.
    pub fn width(&self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.advance(self.glyph(c))).sum::<f32>() * size / self.units
    }

    /// `s` broken into lines no wider than `width` at `size` (a word too long for a line is
    /// broken inside).
    pub fn wrap(&self, s: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in s.lines() {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, size) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                for c in word.chars() {
                    line.push(c);
                    if self.width(&line, size) > width && line.chars().count() > 1 {
                        line.pop();
                        lines.push(std::mem::replace(&mut line, c.to_string()));
                    }
                }
            }
            lines.push(line);
        }
        if lines.is_empty() {
            lines.push(String::new());
        }
        lines
    }
}

/// Pages being filled from the top.
struct Layout<'f> {
    font: &'f Font<'f>,
    pages: Vec<Vec<Mark>>,
    y: f32,
}

impl<'f> Layout<'f> {
    fn new(font: &'f Font<'f>) -> Self {
        Layout {
            font,
            pages: vec![Vec::new()],
            y: HEIGHT - MARGIN,
        }
    }

    fn page(&mut self) -> &mut Vec<Mark> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Room for `h` points on this page, or a new page.
    fn need(&mut self, h: f32) {
        if self.y - h < MARGIN + FOOTER {
            self.pages.push(Vec::new());
            self.y = HEIGHT - MARGIN;
        }
    }

    fn text_at(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        if !text.is_empty() {
            self.page().push(Mark::Text {
                x,
                y,
                size,
                bold,
                text: text.to_string(),
            });
        }
    }

    /// A wrapped paragraph from `x` to the right margin.
    fn paragraph(&mut self, s: &str, size: f32, bold: bool, x: f32) {
        let lead = size * 1.35;
        for line in self.font.wrap(s, size, WIDTH - MARGIN - x) {
            self.need(lead);
            self.y -= lead;
            let y = self.y;
            self.text_at(x, y, size, bold, &line);
        }
    }

    fn heading(&mut self, s: &str, size: f32) {
        // never alone at the foot of a page: room for what follows it too
        self.need(size * 8.0);
        self.y -= size * 0.8;
        self.paragraph(s, size, true, MARGIN);
        self.y -= size * 0.3;
    }

    fn gap(&mut self, h: f32) {
        self.y -= h;
    }

    /// A table: a header row, then rows; cells wrap in their columns (widths in points), and the
    /// header is repeated on every page the table runs over.
    fn table(&mut self, header: &[String], widths: &[f32], rows: &[Vec<String>]) {
        let size = BODY - 1.0;
        let lead = size * 1.3;
        let cells = |font: &Font, row: &[String]| -> Vec<Vec<String>> {
            row.iter()
                .zip(widths)
                .map(|(c, w)| font.wrap(c, size, w - 6.0))
                .collect()
        };
        let head = cells(self.font, header);
        let head_lines = head.iter().map(Vec::len).max().unwrap_or(1) as f32;
        let draw_header = |me: &mut Self| {
            me.need(lead * (head_lines + 2.0));
            me.draw_row(&head, widths, size, true);
            let bottom = me.y - 3.0;
            me.page().push(Mark::Box {
                x: MARGIN,
                y: bottom,
                w: widths.iter().sum(),
                h: 0.8,
                grey: 0.3,
            });
            me.y = bottom - 1.0;
        };
        draw_header(self);
        for (i, row) in rows.iter().enumerate() {
            let body = cells(self.font, row);
            let lines = body.iter().map(Vec::len).max().unwrap_or(1) as f32;
            if self.y - lead * lines - 4.0 < MARGIN + FOOTER {
                self.pages.push(Vec::new());
                self.y = HEIGHT - MARGIN;
                draw_header(self);
            }
            if i % 2 == 1 {
                let h = lead * lines + 4.0;
                let y = self.y - h;
                self.page().push(Mark::Box {
                    x: MARGIN,
                    y,
                    w: widths.iter().sum(),
                    h,
                    grey: 0.94,
                });
            }
            self.draw_row(&body, widths, size, false);
            self.y -= 4.0;
        }
        self.y -= lead * 0.5;
    }

    fn draw_row(&mut self, cells: &[Vec<String>], widths: &[f32], size: f32, bold: bool) {
        let lead = size * 1.3;
        let top = self.y;
        let mut x = MARGIN;
        let mut lowest = top;
        for (lines, w) in cells.iter().zip(widths) {
            let mut y = top;
            for line in lines {
                y -= lead;
                self.text_at(x + 3.0, y, size, bold, line);
            }
            lowest = lowest.min(y);
            x += w;
        }
        self.y = lowest;
    }

    /// Per row a label and its intervals on the scale 1..=`max`: each a light bar from low to
    /// high with a dark mark at the mean (one bar per series, stacked in the row).
    fn interval_chart(&mut self, rows: &[(String, Vec<Option<Estimate>>)], max: i64, key: &str) {
        let label_w = 170.0;
        let x0 = MARGIN + label_w;
        let plot_w = WIDTH - MARGIN - x0 - 10.0;
        let top = max.max(2) as f32;
        let at = |v: f32| x0 + (v.clamp(1.0, top) - 1.0) / (top - 1.0) * plot_w;
        let series = rows.first().map_or(1, |r| r.1.len()).max(1);
        let bar = 6.0;
        let row_h = (bar + 3.0) * series as f32 + 8.0;
        self.need(row_h * 2.0 + 30.0);
        // the scale: one tick per point
        self.y -= 12.0;
        for v in 1..=max.max(2) {
            let x = at(v as f32);
            let y = self.y;
            self.text_at(x - 2.5, y, 8.0, false, &v.to_string());
        }
        self.y -= 4.0;
        for (label, estimates) in rows {
            let lines = self.font.wrap(label, 8.5, label_w - 8.0);
            let h = row_h.max(lines.len() as f32 * 11.0 + 4.0);
            self.need(h);
            let row_top = self.y;
            for (i, line) in lines.iter().enumerate() {
                self.text_at(MARGIN, row_top - 10.0 - i as f32 * 11.0, 8.5, false, line);
            }
            for v in 1..=max.max(2) {
                self.page().push(Mark::Box {
                    x: at(v as f32) - 0.25,
                    y: row_top - h + 2.0,
                    w: 0.5,
                    h: h - 2.0,
                    grey: 0.85,
                });
            }
            for (i, e) in estimates.iter().enumerate() {
                let Some(e) = e else { continue };
                let y = row_top - 6.0 - (i as f32 + 1.0) * (bar + 3.0);
                let (low, high) = (e.low.max(1.0) as f32, e.high.min(max as f64) as f32);
                let shade = if i == 0 { 0.55 } else { 0.78 };
                self.page().push(Mark::Box {
                    x: at(low),
                    y,
                    w: (at(high) - at(low)).max(1.0),
                    h: bar,
                    grey: shade,
                });
                self.page().push(Mark::Box {
                    x: at(e.mean as f32) - 1.5,
                    y: y - 1.5,
                    w: 3.0,
                    h: bar + 3.0,
                    grey: if i == 0 { 0.0 } else { 0.35 },
                });
            }
            self.y = row_top - h;
        }
        self.gap(4.0);
        self.paragraph(key, 8.0, false, MARGIN);
        self.gap(6.0);
    }
}

/// The report's pages, laid out in language `l`.
pub fn layout(report: &RoundReport, l: Locale, font: &Font) -> Vec<Vec<Mark>> {
    let mut page = Layout::new(font);
    page.paragraph(
        &td_string!(l, report.heading, school = report.school.clone()).to_string(),
        18.0,
        true,
        MARGIN,
    );
    page.gap(4.0);
    for line in text::about(l, report) {
        page.paragraph(&line, BODY, false, MARGIN);
    }
    page.gap(6.0);
    let body = match &report.status {
        ReportStatus::Ready(body) => body,
        other => {
            page.paragraph(
                &text::status_text(l, other, report.k),
                BODY + 1.0,
                false,
                MARGIN,
            );
            return page.pages;
        }
    };
    for line in text::groups(l, body, report.k) {
        page.paragraph(&line, BODY, false, MARGIN);
    }

    // leaders and teachers per category: the chart, then its table
    page.heading(td_string!(l, report.categories_heading), 13.0);
    page.paragraph(
        &text::scale_help(l, &body.scale_labels),
        BODY - 1.0,
        false,
        MARGIN,
    );
    let max = body.scale_labels.len() as i64;
    let chart: Vec<(String, Vec<Option<Estimate>>)> = body
        .categories
        .iter()
        .map(|c| (c.title.clone(), vec![c.leaders, c.teachers]))
        .collect();
    page.interval_chart(&chart, max, td_string!(l, report.chart_key));
    let (header, rows) = text::categories_table(l, body);
    page.table(&header, &[150.0, 90.0, 90.0, 90.0, 75.28], &rows);

    page.heading(td_string!(l, report.weakest_heading), 13.0);
    for w in &body.weakest {
        page.paragraph(&text::weakest_sentence(l, w), BODY, true, MARGIN);
        for (statement, mean) in &w.statements {
            page.paragraph(
                &format!("{} · {statement}", crate::lang::decimal(l, *mean, 2)),
                BODY - 0.5,
                false,
                MARGIN + 12.0,
            );
        }
        page.gap(4.0);
    }

    page.heading(td_string!(l, report.comparison_heading), 13.0);
    page.paragraph(
        td_string!(l, report.comparison_help),
        BODY - 1.0,
        false,
        MARGIN,
    );
    let (header, rows, notes) = text::comparison_table(l, body);
    let n = header.len().max(2) as f32;
    let first = 150.0;
    let rest = (WIDTH - 2.0 * MARGIN - first) / (n - 1.0);
    let widths: Vec<f32> = std::iter::once(first)
        .chain(std::iter::repeat_n(rest, header.len().saturating_sub(1)))
        .collect();
    page.table(&header, &widths, &rows);
    for note in notes {
        page.paragraph(&note, BODY - 1.0, false, MARGIN);
    }

    page.heading(td_string!(l, report.previous_heading), 13.0);
    match text::previous_table(l, body) {
        Ok((help, text::Table { header, rows })) => {
            page.paragraph(&help, BODY - 1.0, false, MARGIN);
            if let Some(p) = &body.previous {
                let chart: Vec<(String, Vec<Option<Estimate>>)> = body
                    .categories
                    .iter()
                    .zip(&p.column.estimates)
                    .map(|(c, before)| (c.title.clone(), vec![c.all, *before]))
                    .collect();
                page.interval_chart(&chart, max, td_string!(l, report.change_chart_key));
            }
            page.table(&header, &[170.0, 105.0, 105.0, 115.28], &rows);
        }
        Err(why) => page.paragraph(&why, BODY, false, MARGIN),
    }

    page.heading(td_string!(l, results.written_heading), 13.0);
    match &body.free_text {
        FreeText::Shown(questions) => {
            for (q, answers) in questions {
                page.paragraph(q, BODY, true, MARGIN);
                if answers.is_empty() {
                    page.paragraph(
                        td_string!(l, results.no_answers),
                        BODY,
                        false,
                        MARGIN + 12.0,
                    );
                }
                for a in answers {
                    page.paragraph(&format!("– {a}"), BODY - 0.5, false, MARGIN + 12.0);
                }
                page.gap(4.0);
            }
        }
        other => page.paragraph(&text::free_text_withheld(l, other), BODY, false, MARGIN),
    }
    page.pages
}

/// Deflated, for streams.
fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// The font file deflated once (it is the same in every report).
fn font_stream() -> &'static [u8] {
    static DEFLATED: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    DEFLATED.get_or_init(|| deflate(FONT))
}

/// The PDF of laid-out pages, with `title` in its properties and page numbers at the foot.
pub fn write(
    pages: &[Vec<Mark>],
    title: &str,
    footer: &dyn Fn(usize, usize) -> String,
    font: &Font,
) -> Vec<u8> {
    let mut next = 1;
    let mut id = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let (catalog, tree, info) = (id(), id(), id());
    let (type0, cid, descriptor, file, cmap) = (id(), id(), id(), id(), id());
    let page_ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (id(), id())).collect();
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr("Reflect"));
    pdf.pages(tree)
        .kids(page_ids.iter().map(|(p, _)| *p))
        .count(pages.len() as i32);
    let mut used: std::collections::BTreeMap<u16, char> = std::collections::BTreeMap::new();
    let total = pages.len();
    for (n, (marks, (page_id, content_id))) in pages.iter().zip(&page_ids).enumerate() {
        let mut c = Content::new();
        let mut show = |c: &mut Content, x: f32, y: f32, size: f32, bold: bool, s: &str| {
            let mut glyphs = Vec::with_capacity(s.len() * 2);
            for ch in s.chars() {
                let g = font.glyph(ch);
                used.entry(g).or_insert(ch);
                glyphs.extend_from_slice(&g.to_be_bytes());
            }
            c.begin_text();
            c.set_font(Name(b"F1"), size);
            if bold {
                // a heavier stroke round each letter stands in for a bold face
                c.set_text_rendering_mode(pdf_writer::types::TextRenderingMode::FillStroke);
                c.set_line_width(size * 0.035);
            } else {
                c.set_text_rendering_mode(pdf_writer::types::TextRenderingMode::Fill);
            }
            c.next_line(x, y);
            c.show(Str(&glyphs));
            c.end_text();
        };
        for m in marks {
            match m {
                Mark::Text {
                    x,
                    y,
                    size,
                    bold,
                    text,
                } => {
                    c.set_fill_gray(0.1);
                    c.set_stroke_gray(0.1);
                    show(&mut c, *x, *y, *size, *bold, text);
                }
                Mark::Box { x, y, w, h, grey } => {
                    c.set_fill_gray(*grey);
                    c.rect(*x, *y, *w, *h);
                    c.fill_nonzero();
                }
            }
        }
        c.set_fill_gray(0.4);
        let foot = footer(n + 1, total);
        show(&mut c, MARGIN, MARGIN - 10.0, 8.0, false, &foot);
        let data = deflate(&c.finish().into_vec());
        let mut page = pdf.page(*page_id);
        page.parent(tree)
            .media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT))
            .contents(*content_id);
        page.resources().fonts().pair(Name(b"F1"), type0);
        page.finish();
        pdf.stream(*content_id, &data).filter(Filter::FlateDecode);
    }

    let name = Name(b"DejaVuSans");
    pdf.type0_font(type0)
        .base_font(name)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap);
    let scale = 1000.0 / font.units;
    let system = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    {
        let mut cid_font = pdf.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(name)
            .system_info(system)
            .font_descriptor(descriptor)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let mut widths = cid_font.widths();
        for g in used.keys() {
            widths.consecutive(*g, [font.advance(*g) * scale]);
        }
    }
    let bbox = font.face.global_bounding_box();
    pdf.font_descriptor(descriptor)
        .name(name)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(
            f32::from(bbox.x_min) * scale,
            f32::from(bbox.y_min) * scale,
            f32::from(bbox.x_max) * scale,
            f32::from(bbox.y_max) * scale,
        ))
        .italic_angle(0.0)
        .ascent(f32::from(font.face.ascender()) * scale)
        .descent(f32::from(font.face.descender()) * scale)
        .cap_height(f32::from(font.face.capital_height().unwrap_or(700)) * scale)
        .stem_v(80.0)
        .font_file2(file);
    pdf.stream(file, font_stream())
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), FONT.len() as i32);
    let mut unicode = pdf_writer::types::UnicodeCmap::new(Name(b"Reflect-UTF16"), system);
    for (g, c) in &used {
        unicode.pair(*g, *c);
    }
    pdf.cmap(cmap, &unicode.finish());
    pdf.finish()
}

/// The report as a PDF in language `l`.
pub fn render(report: &RoundReport, l: Locale) -> Option<Vec<u8>> {
    let font = Font::embedded()?;
    let pages = layout(report, l, &font);
    let title = td_string!(l, report.heading, school = report.school.clone()).to_string();
    let footer = |n: usize, total: usize| {
        let page = td_string!(
            l,
            report.page_of,
            n = crate::lang::integer(l, n as i64),
            total = crate::lang::integer(l, total as i64)
        )
        .to_string();
        format!("{title} · {page}")
    };
    Some(write(&pages, &title, &footer, &font))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fit_their_width_and_keep_every_word() {
        let font = Font::embedded().unwrap();
        let s = "Příliš žluťoučký kůň úpěl ďábelské ódy, and a long long sentence in English \
                 that has to wrap more than once: Supercalifragilisticexpialidociousnessness";
        for width in [60.0, 120.0, 300.0] {
            let lines = font.wrap(s, 10.0, width);
            assert!(lines.len() > 1);
            for line in &lines {
                assert!(font.width(line, 10.0) <= width + 0.01, "{line} > {width}");
            }
            let joined: String = lines.concat().split_whitespace().collect();
            let wanted: String = s.split_whitespace().collect();
            assert_eq!(joined, wanted, "no letter lost or added");
        }
        // every letter of the six languages has a glyph
        for c in "čďěňřšťůžćđáéíóúñüåäöÅÄÖČŠŽ¿¡€–·".chars() {
            assert_ne!(font.glyph(c), 0, "{c}");
        }
    }

    #[test]
    fn every_mark_stays_on_the_page() {
        let font = Font::embedded().unwrap();
        let mut layout = Layout::new(&font);
        let rows: Vec<Vec<String>> = (0..80)
            .map(|i| {
                vec![
                    format!("Category {i} with a long name that wraps in its column"),
                    "3.10 (2.80–3.40)".into(),
                ]
            })
            .collect();
        layout.table(&["Category".into(), "Mean".into()], &[150.0, 100.0], &rows);
        assert!(layout.pages.len() > 1, "80 rows run over pages");
        for marks in &layout.pages {
            for m in marks {
                let (x, y) = match m {
                    Mark::Text { x, y, .. } | Mark::Box { x, y, .. } => (*x, *y),
                };
                assert!((MARGIN..=WIDTH - MARGIN).contains(&x), "{m:?}");
                assert!(
                    (MARGIN + FOOTER - 12.0..=HEIGHT - MARGIN).contains(&y),
                    "{m:?}"
                );
            }
        }
        // the header is repeated on the next page
        let first_texts = |p: &Vec<Mark>| {
            p.iter()
                .find_map(|m| match m {
                    Mark::Text { text, .. } => Some(text.clone()),
                    Mark::Box { .. } => None,
                })
                .unwrap()
        };
        assert_eq!(first_texts(&layout.pages[1]), "Category");
    }

    #[test]
    fn a_pdf_is_written_with_its_pages_and_font() {
        let font = Font::embedded().unwrap();
        let pages = vec![
            vec![Mark::Text {
                x: MARGIN,
                y: 700.0,
                size: 12.0,
                bold: true,
                text: "Škola Příklad".into(),
            }],
            vec![Mark::Box {
                x: MARGIN,
                y: 600.0,
                w: 100.0,
                h: 10.0,
                grey: 0.5,
            }],
        ];
        let pdf = write(&pages, "Škola", &|n, t| format!("{n}/{t}"), &font);
        let s = String::from_utf8_lossy(&pdf);
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(s.trim_end().ends_with("%%EOF"));
        assert_eq!(
            s.matches("/Type /Page").count() - s.matches("/Type /Pages").count(),
            2
        );
        assert!(s.contains("/FontFile2"));
        assert!(s.contains("/Identity-H"));
    }
}
