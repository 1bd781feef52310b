"""A small, fixed briefing set over the seed articles, owned by the app tests.

Snapshots and pilot tests use it instead of the shipped YAML (which the editors keep
improving), so an edit to a briefing never changes what these tests expect. Quotes are
verbatim from the seeds.
"""

from __future__ import annotations

from jjj_brief.briefings import Briefings, Claim, Fact, Passage, TimelineEvent, Topic

BRANCHES_CCTV = "Zhongguancun enterprises have set up more than 9,500 branches in Tianjin and Hebei"
BRANCHES_LIAOWANG = (
    "In the past 10 years, Zhongguancun enterprises have set up more than 10,000 branches in Tianjin and Hebei."
)
BRANCHES_CHINANEWS = "Zhongguancun companies have set up more than 10,000 branches in Tianjin and Hebei."


def fixture_briefings() -> Briefings:
    return Briefings(
        topics=[
            Topic(
                id="industry",
                title="Industry and innovation",
                summary="How Beijing's research base reaches into Tianjin and Hebei.",
            ),
            Topic(
                id="zhongguancun",
                title="Zhongguancun branches in Tianjin and Hebei",
                parent="industry",
                summary=(
                    "Beijing's Zhongguancun science park has been setting up branches in Tianjin and "
                    "Hebei. The sources count them at different dates."
                ),
                key_points=["The count grew between 2023 and 2024.", "All sources say 'more than'."],
                passages=[
                    Passage(article="cctv-2023-02-27", quote=BRANCHES_CCTV),
                    Passage(article="chinanews-2024-02-27", quote=BRANCHES_CHINANEWS),
                ],
            ),
        ],
        facts=[
            Fact(
                id="zgc-branches",
                topic="zhongguancun",
                subject="Zhongguancun branches in Tianjin and Hebei",
                verdict="different-date-or-scope",
                explanation="More than 9,500 in February 2023 vs. more than 10,000 in 2024: the count grew.",
                claims=[
                    Claim(
                        article="cctv-2023-02-27",
                        quote=BRANCHES_CCTV,
                        value=9500,
                        unit="branch",
                        as_of="2023",
                        qualifier="more than",
                    ),
                    Claim(
                        article="liaowang-2024",
                        quote=BRANCHES_LIAOWANG,
                        value=10000,
                        unit="branch",
                        as_of="2024",
                        qualifier="more than",
                    ),
                    Claim(
                        article="chinanews-2024-02-27",
                        quote=BRANCHES_CHINANEWS,
                        value=10000,
                        unit="branch",
                        as_of="2024",
                        qualifier="more than",
                    ),
                ],
            )
        ],
        timeline=[
            TimelineEvent(
                id="symposium-2014",
                date="2014-02",
                precision="month",
                title="Symposium on coordinated development in Beijing",
                quotes=[Passage(article="liaowang-2024", quote="In February 2014, the general secretary")],
            )
        ],
    )
