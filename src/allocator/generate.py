"""Realistic synthetic data sets: candidates, programmes, history, pairs and a scenario file.

Three sizes (see :data:`SIZES`):

``small``
    about 500 officials of a dozen Ho Chi Minh City agencies and 20 programmes: the sample that
    the README's first command solves in about a second.
``city``
    Ho Chi Minh City's 2023 plan: 20,000 officials, about 300 programmes, domestic places summing
    to exactly 19,963 and overseas delegations of 15 to 20 people under a quota of 175.
``national``
    200,000 officials of the ministries and provinces, about 2,000 programmes and the overseas
    targets of conclusion 39-KL/TW (2023–2025: 250 short-term, 40 medium-term, 120 language,
    400 in all; 2026–2030: 300/50/150, 500 in all).

The data are built to make every eligibility rule of docs/domain.md visibly matter (a few per
cent of the candidates fail each one) while keeping the scenario written with them feasible.
Everything comes from one ``numpy.random.SeedSequence``: the same seed gives byte-identical
files. Big arrays are built with vectorised numpy/pandas; Python loops run over agencies,
fields and programmes only, never over candidates.
"""

from __future__ import annotations

import gzip
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml

__all__ = ["SIZES", "QUOTA_PRESETS", "Dataset", "SizeSpec", "generate", "generate_tables"]

Size = Literal["small", "city", "national"]

#: Position levels, from the bottom up (codes of the contract).
LEVELS = (
    "specialist",
    "deputy_head_division",
    "head_division",
    "deputy_director",
    "director",
    "leader_city",
)

#: Table file names inside ``out_dir/data``.
TABLES = ("candidates", "programs", "pairs", "history")

CANDIDATE_COLUMNS = (
    "candidate_id", "full_name", "agency", "gender", "birth_date", "position_level", "field",
    "years_of_service", "secondary_fields", "planned_position", "planned_field",
    "leader_term_end", "rating_prev_year", "discipline", "exit_restricted", "health_ok",
    "language", "language_level", "priority", "preferences", "must_train", "email", "phone",
)
PROGRAM_COLUMNS = (
    "program_id", "title", "mode", "type", "field", "year", "capacity", "cost_per_person",
    "min_size", "fixed_cost", "funding_source", "budget_cap", "content_group", "country",
    "start_date", "duration_days", "language", "min_language_level", "target_levels",
)
PAIR_COLUMNS = ("candidate_id", "program_id", "score", "cost", "status")
HISTORY_COLUMNS = ("candidate_id", "year", "mode", "type", "program_id")

MILLION = 1_000_000


def _nfc(words: Sequence[str]) -> tuple[str, ...]:
    # Source text could be decomposed by an editor; the data must hold precomposed (NFC) text,
    # which is what Vietnamese keyboards and spreadsheets produce.
    return tuple(unicodedata.normalize("NFC", w) for w in words)


# --------------------------------------------------------------------------------------------
# Sizes and quota presets.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SizeSpec:
    """What one size generates.

    Attributes
    ----------
    n_candidates
        Number of candidates.
    n_programs
        Number of programmes (domestic and overseas together).
    domestic_places
        Exact sum of the domestic programmes' capacities.
    id_prefix
        Prefix of the candidate IDs (``HCM000123``).
    region
        ``hcmc`` (city departments and districts) or ``national`` (ministries and provinces).
    overseas_capacity, overseas_min_size
        Size of an overseas delegation (15–20 in real plans; smaller for the small sample).
    level_weights
        Relative shares of the position levels, bottom up (:data:`LEVELS`).
    equal_agencies
        Whether every agency has the same headcount (the small sample's nominated lists).
    tour_levels
        Target levels of every short study tour, if not the usual ones (the small sample
        admits every leader to every tour so that its small delegations fill).
    class_exponent
        How the classes of the field courses are shared among the (field, band) groups: in
        proportion to ``places ** class_exponent`` (0: as evenly as class sizes allow, a large
        group getting a few large classes, a course given in several sessions; 1: in
        proportion to places). Every official may take every class of their field and band,
        so this, with the number of fields, sets how many programmes each official is
        eligible for: about six in all, the open courses and the tours included, as in the
        model of the performance targets (docs/product.md).
    """

    n_candidates: int
    n_programs: int
    domestic_places: int
    id_prefix: str
    region: Literal["hcmc", "national"]
    overseas_capacity: int = 20
    overseas_min_size: int = 15
    level_weights: tuple[float, ...] = (72.0, 12.0, 9.5, 4.5, 1.9, 0.1)
    equal_agencies: bool = False
    tour_levels: str | None = None
    class_exponent: float = 0.7


SIZES: Mapping[str, SizeSpec] = {
    # The small sample is a list of nominees: more leaders than in the whole service.
    "small": SizeSpec(500, 20, 440, "HCM", "hcmc", overseas_capacity=10, overseas_min_size=5,
                      level_weights=(55.0, 18.0, 15.0, 8.0, 3.5, 0.5), equal_agencies=True,
                      tour_levels="deputy_head_division;head_division;deputy_director;director"),
    "city": SizeSpec(20_000, 300, 19_963, "HCM", "hcmc"),
    # Ten times the city's officials but only seven times its programmes, in three times its
    # fields: the classes go evenly to the (field, band) groups.
    "national": SizeSpec(200_000, 2_000, 185_000, "VN", "national", class_exponent=0.0),
}


@dataclass(frozen=True)
class OverseasTarget:
    """Places abroad of one programme type: the quota's bounds and how many programmes offer it."""

    type: str
    max: int
    min: int | None
    n_programs: int


@dataclass(frozen=True)
class QuotaPreset:
    """The overseas targets, the other quotas and the priorities of one kind of plan."""

    name: str
    total_max: int
    total_min: int | None
    targets: tuple[OverseasTarget, ...]
    women_share: float
    agency_cap: int
    floor: tuple[str, int, int]  # (field, min places, penalty per missing place): a soft floor
    field_weights: Mapping[str, int]


def _kl39(name: str, total: int, short: int, medium: int, language: int) -> QuotaPreset:
    # Conclusion 39 gives targets ("about 400 a year"): the plan must reach 90% of each and may
    # not exceed it. Each type gets enough delegations of 15–20 for the 90%..100% window to be
    # reachable with whole delegations, plus spares so that the choice is real.
    def target(type_: str, n: int, spare: int) -> OverseasTarget:
        return OverseasTarget(type_, n, math.ceil(0.9 * n), math.ceil(n / 20) + spare)

    return QuotaPreset(
        name=name,
        total_max=total,
        total_min=math.ceil(0.9 * total),
        targets=(
            target("short_term", short, 3),
            target("medium_term", medium, 1),
            target("language", language, 2),
        ),
        women_share=0.4,
        agency_cap=15,
        floor=("digital_transformation", 20, 1000),
        field_weights={
            "digital_transformation": 3,
            "science_technology": 2,
            "administrative_reform": 2,
            "policy_making": 2,
            "investment_promotion": 2,
            "hightech_agriculture": 2,
        },
    )


_HCMC_WEIGHTS = {
    "food_testing": 3,
    "urban_railway_safety": 2,
    "hightech_agriculture": 2,
    "administrative_reform": 2,
    "smart_tourism": 2,
    "urban_government": 2,
}

QUOTA_PRESETS: Mapping[str, QuotaPreset] = {
    # HCMC 2023: 175 sent abroad, in 12 delegations of 15-20 (capacity 240).
    "hcmc": QuotaPreset(
        name="hcmc",
        total_max=175,
        total_min=None,
        targets=(OverseasTarget("short_term", 175, None, 12),),
        women_share=0.3,
        agency_cap=12,
        floor=("food_testing", 10, 1000),
        field_weights=_HCMC_WEIGHTS,
    ),
    # The small sample: 4 delegations of 5-10.
    "hcmc-small": QuotaPreset(
        name="hcmc-small",
        total_max=30,
        total_min=None,
        targets=(OverseasTarget("short_term", 30, None, 4),),
        women_share=0.3,
        agency_cap=6,
        floor=("food_testing", 5, 1000),
        field_weights=_HCMC_WEIGHTS,
    ),
    "kl39-2023": _kl39("kl39-2023", 400, 250, 40, 120),
    "kl39-2026": _kl39("kl39-2026", 500, 300, 50, 150),
}


# --------------------------------------------------------------------------------------------
# Vocabulary: names, fields, agencies, titles, countries.
# --------------------------------------------------------------------------------------------

# Family names with rough frequencies (Nguyễn is about 38% of Vietnamese).
FAMILY = _nfc([
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đinh", "Lâm", "Mai", "Đoàn", "Cao",
])
FAMILY_P = np.array([38, 11, 9.5, 7, 4, 5, 4.5, 3.9, 4, 2.1, 2, 1.4,
                     1.3, 1.3, 1, 0.5, 1, 0.7, 0.6, 0.5, 0.5, 0.4])
MIDDLE_M = _nfc(["Văn", "Hữu", "Minh", "Đức", "Quốc", "Thanh", "Công", "Hoàng", "Quang",
                 "Tuấn", "Anh", "Ngọc", "Trọng", "Xuân"])
MIDDLE_F = _nfc(["Thị", "Ngọc", "Thanh", "Minh", "Thu", "Kim", "Phương", "Hồng", "Thùy", "Mỹ",
                 "Bảo", "Diệu", "Hoài", "Thị Ngọc", "Thị Thanh", "Thị Kim", "Thị Thu"])
MIDDLE_F_P = np.array([30, 8, 7, 6, 6, 5, 5, 5, 4, 4, 3, 3, 3, 3, 3, 2.5, 2.5])
GIVEN_M = _nfc(["An", "Bình", "Dũng", "Hùng", "Nam", "Phúc", "Quang", "Tuấn", "Hải", "Long",
                "Khoa", "Minh", "Sơn", "Thắng", "Trung", "Vinh", "Hiếu", "Đạt", "Khánh",
                "Cường", "Huy", "Thành", "Tâm", "Phong", "Lộc", "Toàn", "Việt", "Nghĩa"])
GIVEN_F = _nfc(["Châu", "Hà", "Hạnh", "Lan", "Linh", "Mai", "Thảo", "Trang", "Vy", "Yến",
                "Hương", "Ngọc", "Nhung", "Oanh", "Phương", "Quyên", "Thủy", "Tuyết", "Uyên",
                "Xuân", "Nga", "Hằng", "Giang", "Hoa", "Tâm", "An", "Thư", "Dung"])

#: Field codes: Vietnamese label (for titles) and the overseas content group (domain.md).
FIELDS: Mapping[str, tuple[str, int]] = {
    "administrative_reform": ("cải cách hành chính", 1),
    "policy_making": ("xây dựng và thực thi chính sách", 3),
    "economics_finance": ("quản lý kinh tế - tài chính", 2),
    "transport": ("quản lý giao thông vận tải", 2),
    "tourism": ("quản lý du lịch", 2),
    "culture_sport": ("quản lý văn hóa, thể thao", 2),
    "construction": ("quản lý xây dựng và đô thị", 2),
    "health": ("quản lý y tế", 2),
    "inspection": ("thanh tra", 1),
    "youth": ("công tác thanh niên", 1),
    "food_testing": ("kiểm nghiệm an toàn thực phẩm", 2),
    "hightech_agriculture": ("phát triển nông nghiệp công nghệ cao", 2),
    "industrial_infrastructure": ("phát triển hạ tầng khu công nghiệp", 2),
    "urban_railway_safety": ("quản lý an toàn đường sắt đô thị", 2),
    "smart_tourism": ("phát triển du lịch thông minh", 2),
    "urban_government": ("mô hình chính quyền đô thị", 1),
    "gender_equality": ("thúc đẩy bình đẳng giới", 1),
    "foreign_affairs": ("công tác đối ngoại", 1),
    "investment_promotion": ("xúc tiến đầu tư", 2),
    "digital_transformation": ("chuyển đổi số", 2),
    "science_technology": ("quản lý khoa học và công nghệ", 2),
    "justice": ("công tác tư pháp", 3),
    "education": ("quản lý giáo dục và đào tạo", 2),
    "environment": ("quản lý tài nguyên và môi trường", 2),
    "agriculture": ("phát triển nông nghiệp, nông thôn", 2),
    "labour_social": ("lao động và an sinh xã hội", 1),
    "ethnic_affairs": ("công tác dân tộc", 1),
    "banking": ("quản lý tiền tệ, ngân hàng", 2),
    "state_apparatus": ("tổ chức bộ máy nhà nước", 1),
    "leadership": ("kỹ năng lãnh đạo, quản lý", 4),
    # Finer fields of the national data: with ~2,000 programmes, broad fields alone would make
    # every official eligible for dozens of courses; real plans name the specialism.
    "tax_administration": ("quản lý thuế", 2),
    "customs": ("nghiệp vụ hải quan", 2),
    "state_treasury": ("nghiệp vụ kho bạc nhà nước", 2),
    "public_debt": ("quản lý nợ công", 2),
    "securities": ("quản lý thị trường chứng khoán", 2),
    "public_procurement": ("quản lý đấu thầu", 2),
    "public_assets": ("quản lý tài sản công", 2),
    "statistics": ("nghiệp vụ thống kê", 2),
    "enterprise_development": ("phát triển doanh nghiệp", 2),
    "medical_services": ("quản lý khám bệnh, chữa bệnh", 2),
    "preventive_medicine": ("quản lý y tế dự phòng", 2),
    "pharmaceuticals": ("quản lý dược", 2),
    "road_transport": ("quản lý giao thông đường bộ", 2),
    "maritime": ("quản lý hàng hải", 2),
    "aviation": ("quản lý hàng không dân dụng", 2),
    "housing_real_estate": ("quản lý nhà ở và thị trường bất động sản", 2),
    "urban_planning": ("quản lý quy hoạch đô thị", 2),
    "energy": ("quản lý năng lượng", 2),
    "market_surveillance": ("quản lý thị trường", 2),
    "industry": ("phát triển công nghiệp", 2),
    "forestry": ("quản lý lâm nghiệp", 2),
    "fisheries": ("quản lý thủy sản", 2),
    "irrigation_disaster": ("thủy lợi và phòng, chống thiên tai", 2),
    "veterinary_plant": ("thú y và bảo vệ thực vật", 2),
    "land_management": ("quản lý đất đai", 2),
    "water_resources": ("quản lý tài nguyên nước", 2),
    "climate_change": ("ứng phó với biến đổi khí hậu", 2),
    "higher_education": ("quản lý giáo dục đại học", 2),
    "vocational_training": ("quản lý giáo dục nghề nghiệp", 2),
    "general_education": ("quản lý giáo dục phổ thông", 2),
    "employment": ("quản lý lao động, việc làm", 1),
    "social_protection": ("bảo trợ xã hội", 1),
    "social_insurance": ("quản lý bảo hiểm xã hội", 1),
    "civil_registration": ("nghiệp vụ hộ tịch, chứng thực", 3),
    "judgment_enforcement": ("thi hành án dân sự", 3),
    "law_dissemination": ("phổ biến, giáo dục pháp luật", 3),
    "law_drafting": ("xây dựng và thẩm định văn bản quy phạm pháp luật", 3),
    "civil_service": ("quản lý cán bộ, công chức, viên chức", 1),
    "archives": ("văn thư, lưu trữ", 1),
    "religious_affairs": ("công tác tôn giáo", 1),
    "emulation_rewards": ("công tác thi đua, khen thưởng", 1),
    "cybersecurity": ("bảo đảm an toàn thông tin mạng", 2),
    "e_government": ("xây dựng chính phủ số", 2),
    "press_publishing": ("quản lý báo chí, xuất bản", 2),
    "telecom": ("quản lý viễn thông", 2),
    "heritage": ("bảo tồn di sản văn hóa", 2),
    "sport": ("quản lý thể dục, thể thao", 2),
    "consular": ("công tác lãnh sự", 1),
    "international_integration": ("hội nhập quốc tế", 1),
    "monetary_policy": ("thực thi chính sách tiền tệ", 2),
    "banking_supervision": ("thanh tra, giám sát ngân hàng", 2),
    "complaints": ("giải quyết khiếu nại, tố cáo", 1),
    "anti_corruption": ("phòng, chống tham nhũng", 1),
    "intellectual_property": ("quản lý sở hữu trí tuệ", 2),
    "standards_quality": ("tiêu chuẩn, đo lường, chất lượng", 2),
    # Still finer specialisms: a course names its subject as narrowly as a department's
    # division does (a province's finance department has a budget division, a price division,
    # a public-assets division), so that each class is open to a few hundred officials, not to
    # thousands.
    "state_budget": ("quản lý ngân sách nhà nước", 2),
    "price_management": ("quản lý giá", 2),
    "accounting_audit": ("kế toán, kiểm toán nhà nước", 2),
    "national_reserves": ("quản lý dự trữ quốc gia", 2),
    "insurance_market": ("quản lý kinh doanh bảo hiểm", 2),
    "public_investment": ("quản lý đầu tư công", 2),
    "foreign_investment": ("quản lý đầu tư nước ngoài", 2),
    "cooperatives": ("phát triển kinh tế tập thể, hợp tác xã", 2),
    "innovation": ("hỗ trợ khởi nghiệp, đổi mới sáng tạo", 2),
    "socioeconomic_planning": ("quy hoạch, kế hoạch phát triển kinh tế - xã hội", 2),
    "health_insurance": ("quản lý bảo hiểm y tế", 2),
    "traditional_medicine": ("quản lý y, dược cổ truyền", 2),
    "medical_equipment": ("quản lý trang thiết bị và công trình y tế", 2),
    "population": ("công tác dân số", 1),
    "inland_waterway": ("quản lý đường thủy nội địa", 2),
    "railway": ("quản lý đường sắt", 2),
    "vehicle_registration": ("nghiệp vụ đăng kiểm phương tiện", 2),
    "traffic_safety": ("bảo đảm trật tự, an toàn giao thông", 2),
    "construction_quality": ("quản lý chất lượng công trình xây dựng", 2),
    "technical_infrastructure": ("quản lý hạ tầng kỹ thuật đô thị", 2),
    "building_materials": ("quản lý vật liệu xây dựng", 2),
    "import_export": ("quản lý xuất nhập khẩu", 2),
    "e_commerce": ("quản lý thương mại điện tử", 2),
    "trade_promotion": ("xúc tiến thương mại", 2),
    "chemicals": ("quản lý hóa chất", 2),
    "trade_remedies": ("phòng vệ thương mại", 2),
    "crop_production": ("quản lý trồng trọt", 2),
    "livestock": ("quản lý chăn nuôi", 2),
    "rural_development": ("phát triển nông thôn mới", 2),
    "agri_quality": ("quản lý chất lượng nông, lâm, thủy sản", 2),
    "agricultural_extension": ("công tác khuyến nông", 2),
    "minerals": ("quản lý khoáng sản", 2),
    "surveying_mapping": ("đo đạc và bản đồ", 2),
    "hydrometeorology": ("khí tượng thủy văn", 2),
    "sea_islands": ("quản lý biển và hải đảo", 2),
    "waste_management": ("quản lý chất thải rắn", 2),
    "preschool_education": ("quản lý giáo dục mầm non", 2),
    "education_quality": ("khảo thí và kiểm định chất lượng giáo dục", 2),
    "teacher_management": ("quản lý nhà giáo và cán bộ quản lý giáo dục", 2),
    "occupational_safety": ("an toàn, vệ sinh lao động", 1),
    "people_with_merit": ("công tác người có công", 1),
    "child_protection": ("bảo vệ, chăm sóc trẻ em", 1),
    "social_evils": ("phòng, chống tệ nạn xã hội", 1),
    "family_affairs": ("công tác gia đình", 1),
    "libraries": ("quản lý thư viện", 2),
    "performing_arts": ("quản lý nghệ thuật biểu diễn", 2),
    "grassroots_culture": ("xây dựng đời sống văn hóa cơ sở", 2),
    "postal": ("quản lý bưu chính", 2),
    "grassroots_information": ("thông tin cơ sở", 2),
    "it_industry": ("phát triển công nghiệp công nghệ thông tin", 2),
    "digital_economy": ("phát triển kinh tế số", 2),
    "legal_aid": ("trợ giúp pháp lý", 3),
    "judicial_records": ("nghiệp vụ lý lịch tư pháp", 3),
    "state_compensation": ("công tác bồi thường nhà nước", 3),
    "administrative_violations": ("xử lý vi phạm hành chính", 3),
    "legal_affairs": ("công tác pháp chế", 3),
    "notary_lawyers": ("quản lý công chứng, luật sư", 3),
    "local_government": ("tổ chức chính quyền địa phương", 1),
    "office_work": ("nghiệp vụ công tác văn phòng", 1),
    "administrative_procedures": ("kiểm soát thủ tục hành chính", 1),
    "citizen_reception": ("tiếp công dân", 1),
    "specialised_inspection": ("thanh tra chuyên ngành", 1),
    "overseas_vietnamese": ("công tác người Việt Nam ở nước ngoài", 1),
    "border_affairs": ("công tác biên giới, lãnh thổ", 1),
    "economic_diplomacy": ("ngoại giao kinh tế", 1),
    "credit": ("quản lý tín dụng", 2),
    "foreign_exchange": ("quản lý ngoại hối", 2),
    "payment_systems": ("quản lý thanh toán", 2),
    "technology_transfer": ("chuyển giao công nghệ", 2),
    "radiation_safety": ("an toàn bức xạ và hạt nhân", 2),
    "ethnic_minority_areas": ("phát triển vùng đồng bào dân tộc thiểu số và miền núi", 1),
}

#: HCMC 2023's domestic course fields and overseas fields (news reports of the plan). The
#: generated courses are given in these and in the specialisms of the city's departments and
#: districts (:func:`_agency_fields`): a course on budget management, not on "economics".
HCMC_DOMESTIC_FIELDS = ("administrative_reform", "policy_making", "economics_finance",
                        "transport", "tourism", "culture_sport", "construction", "health",
                        "inspection", "youth")
HCMC_OVERSEAS_FIELDS = ("food_testing", "hightech_agriculture", "administrative_reform",
                        "industrial_infrastructure", "urban_railway_safety", "smart_tourism",
                        "urban_government", "gender_equality")

#: Domestic course titles per field (one course may run as several classes).
DOMESTIC_TITLES: Mapping[str, tuple[str, ...]] = {
    "administrative_reform": ("Bồi dưỡng nghiệp vụ cải cách hành chính",
                              "Bồi dưỡng kỹ năng giải quyết thủ tục hành chính",
                              "Bồi dưỡng nghiệp vụ một cửa, một cửa liên thông"),
    "policy_making": ("Bồi dưỡng kỹ năng xây dựng và thẩm định văn bản quy phạm pháp luật",
                      "Bồi dưỡng kỹ năng hoạch định và phân tích chính sách công"),
    "economics_finance": ("Bồi dưỡng quản lý tài chính công",
                          "Bồi dưỡng nghiệp vụ quản lý ngân sách nhà nước",
                          "Bồi dưỡng kiến thức quản lý đầu tư công"),
    "transport": ("Bồi dưỡng nghiệp vụ quản lý vận tải và an toàn giao thông",
                  "Bồi dưỡng quản lý kết cấu hạ tầng giao thông"),
    "tourism": ("Bồi dưỡng nghiệp vụ quản lý nhà nước về du lịch",
                "Bồi dưỡng kỹ năng xúc tiến, quảng bá du lịch"),
    "culture_sport": ("Bồi dưỡng nghiệp vụ quản lý văn hóa cơ sở",
                      "Bồi dưỡng quản lý nhà nước về thể dục, thể thao"),
    "construction": ("Bồi dưỡng nghiệp vụ quản lý trật tự xây dựng",
                     "Bồi dưỡng quản lý quy hoạch đô thị"),
    "health": ("Bồi dưỡng quản lý nhà nước về y tế", "Bồi dưỡng quản lý bệnh viện"),
    "inspection": ("Bồi dưỡng nghiệp vụ thanh tra",
                   "Bồi dưỡng kỹ năng tiếp công dân, giải quyết khiếu nại, tố cáo"),
    "youth": ("Bồi dưỡng nghiệp vụ công tác thanh niên",),
    "food_testing": ("Bồi dưỡng nghiệp vụ kiểm nghiệm, thanh tra an toàn thực phẩm",),
    "hightech_agriculture": ("Bồi dưỡng kiến thức nông nghiệp công nghệ cao",),
    "industrial_infrastructure": ("Bồi dưỡng quản lý khu công nghiệp, khu chế xuất",),
    "urban_railway_safety": ("Bồi dưỡng nghiệp vụ an toàn đường sắt đô thị",),
    "smart_tourism": ("Bồi dưỡng ứng dụng công nghệ số trong du lịch",),
    "urban_government": ("Bồi dưỡng kiến thức về chính quyền đô thị",),
    "gender_equality": ("Bồi dưỡng kiến thức về bình đẳng giới",),
    "foreign_affairs": ("Bồi dưỡng nghiệp vụ đối ngoại", "Bồi dưỡng kỹ năng lễ tân đối ngoại"),
    "investment_promotion": ("Bồi dưỡng kỹ năng xúc tiến đầu tư, thương mại",),
    "digital_transformation": ("Bồi dưỡng quản trị dữ liệu và chính phủ số",
                               "Bồi dưỡng an toàn thông tin mạng"),
    "science_technology": ("Bồi dưỡng quản lý nhiệm vụ khoa học và công nghệ",),
    "justice": ("Bồi dưỡng nghiệp vụ hộ tịch, chứng thực",
                "Bồi dưỡng nghiệp vụ theo dõi thi hành pháp luật"),
    "education": ("Bồi dưỡng quản lý nhà nước về giáo dục và đào tạo",),
    "environment": ("Bồi dưỡng quản lý đất đai", "Bồi dưỡng quản lý môi trường"),
    "agriculture": ("Bồi dưỡng quản lý phát triển nông thôn mới",),
    "labour_social": ("Bồi dưỡng nghiệp vụ lao động, việc làm và an sinh xã hội",),
    "ethnic_affairs": ("Bồi dưỡng kiến thức dân tộc",),
    "banking": ("Bồi dưỡng nghiệp vụ quản lý ngoại hối và tín dụng",),
    "state_apparatus": ("Bồi dưỡng nghiệp vụ tổ chức bộ máy, biên chế",),
}

#: Courses open to every field: (title, target levels, duration range in days, weight). Each is
#: one programme with many places (the digital-skills course is online), so that it adds one
#: option per person, not one per class. A course limited to some levels never takes more
#: than a third of those levels.
STAR_COURSES: tuple[tuple[str, tuple[str, ...], tuple[int, int], float], ...] = (
    ("Bồi dưỡng kỹ năng số cho cán bộ, công chức (trực tuyến)", (), (2, 5), 5.0),
    ("Bồi dưỡng ngạch chuyên viên chính", ("specialist",), (28, 42), 1.5),
    ("Bồi dưỡng lãnh đạo, quản lý cấp phòng", ("deputy_head_division", "head_division"),
     (20, 30), 1.0),
    ("Bồi dưỡng lãnh đạo, quản lý cấp sở và tương đương",
     ("deputy_director", "director", "leader_city"), (20, 30), 0.5),
)

#: Field courses are given per band of levels, each band with its own classes: specialists,
#: deputy heads of division, heads of division, deputy heads of a department (or of a
#: ministry's department, "and equivalent"), and its heads with the city's leaders.
BANDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("specialist",), "chuyên viên"),
    (("deputy_head_division",), "phó trưởng phòng"),
    (("head_division",), "trưởng phòng"),
    (("deputy_director",), "phó giám đốc sở và tương đương"),
    (("director", "leader_city"), "giám đốc sở và tương đương"),
)
#: Places on the courses of their own field per official of each band (scaled so that the
#: domestic places add up): a leader's training is mostly in the field they manage, a
#: specialist's mostly the general courses open to every field.
FIELD_PLACES = (0.4, 0.8, 0.8, 0.8, 0.8)
#: The fewest learners a field class is planned for.
MIN_CLASS = 10

_ASIA = ("Hàn Quốc", "Nhật Bản", "Singapore", "Trung Quốc", "Thái Lan", "Malaysia")
#: Where short study tours of each field go.
OVERSEAS_COUNTRIES: Mapping[str, tuple[str, ...]] = {
    "food_testing": ("Hàn Quốc", "Nhật Bản", "Singapore"),
    "hightech_agriculture": ("Israel", "Hà Lan", "Nhật Bản"),
    "administrative_reform": ("Singapore", "Hàn Quốc", "Úc"),
    "industrial_infrastructure": ("Hàn Quốc", "Đức", "Trung Quốc"),
    "urban_railway_safety": ("Nhật Bản", "Pháp", "Đức", "Hàn Quốc"),
    "smart_tourism": ("Singapore", "Hàn Quốc", "Úc"),
    "urban_government": ("Singapore", "Hàn Quốc", "Hoa Kỳ"),
    "gender_equality": ("Thụy Điển", "Úc", "Hoa Kỳ"),
    "state_apparatus": ("Singapore", "Pháp", "Hàn Quốc"),
    "foreign_affairs": ("Hoa Kỳ", "Pháp", "Nhật Bản"),
    "economics_finance": ("Singapore", "Nhật Bản", "Vương quốc Anh"),
    "digital_transformation": ("Hàn Quốc", "Estonia", "Singapore"),
    "science_technology": ("Israel", "Hàn Quốc", "Đức"),
    "environment": ("Hà Lan", "Đan Mạch", "Nhật Bản"),
    "health": ("Nhật Bản", "Úc", "Thái Lan"),
    "education": ("Phần Lan", "Singapore", "Úc"),
    "policy_making": ("Úc", "Đức", "Hàn Quốc"),
    "justice": ("Pháp", "Đức", "Nhật Bản"),
    "investment_promotion": ("Singapore", "Hàn Quốc", "Hoa Kỳ"),
    "leadership": ("Singapore", "Hoa Kỳ", "Úc"),
}
#: National short-term fields in the order programmes are assigned to them.
NATIONAL_OVERSEAS_FIELDS = ("administrative_reform", "digital_transformation", "policy_making",
                            "economics_finance", "state_apparatus", "science_technology",
                            "leadership", "foreign_affairs", "hightech_agriculture", "justice",
                            "environment", "investment_promotion", "urban_government", "health",
                            "education", "industrial_infrastructure", "gender_equality",
                            "smart_tourism")
LANGUAGES = ("en", "fr", "ja", "ko", "zh", "ru", "de")
LANGUAGE_P = np.array([75, 5, 5, 5, 5, 3, 2], dtype=float)
LANGUAGE_NAMES = {"en": "tiếng Anh", "fr": "tiếng Pháp", "ja": "tiếng Nhật", "ko": "tiếng Hàn",
                  "zh": "tiếng Trung", "ru": "tiếng Nga", "de": "tiếng Đức"}
LANGUAGE_COUNTRIES = {"en": ("Vương quốc Anh", "Úc", "Hoa Kỳ", "Singapore", "New Zealand"),
                      "fr": ("Pháp",), "ja": ("Nhật Bản",), "ko": ("Hàn Quốc",),
                      "zh": ("Trung Quốc",), "ru": ("Liên bang Nga",), "de": ("Đức",)}
CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")
CEFR_P = np.array([5, 15, 35, 30, 12, 3], dtype=float)
MOBILE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "032", "033", "034", "035",
                   "036", "037", "038", "039", "070", "076", "077", "078", "079", "081", "083",
                   "084", "085", "086", "088", "089")


@dataclass(frozen=True)
class Agency:
    """An agency: its name, relative headcount, field mix, kind (for post titles), e-mail domain."""

    name: str
    weight: float
    fields: Mapping[str, float]
    kind: Literal["department", "district", "ministry", "province"]
    domain: str


def _mix(**weights: float) -> dict[str, float]:
    return weights


# A district's divisions (phòng): office, home affairs, justice, finance and planning, natural
# resources, urban management, culture, labour, health, education, inspection.
_DISTRICT_MIX = _mix(administrative_reform=12, office_work=4, civil_service=5,
                     urban_government=14, economics_finance=6, state_budget=4, construction=5,
                     urban_planning=4, land_management=7, environment=4, health=5,
                     culture_sport=5, youth=5, employment=3, social_protection=4,
                     gender_equality=6, inspection=4, complaints=3, civil_registration=4,
                     policy_making=3, general_education=4, food_testing=1, smart_tourism=2)
_RURAL_MIX = {**_DISTRICT_MIX, "hightech_agriculture": 10, "rural_development": 4,
              "urban_government": 6}


def _hcmc_agencies() -> list[Agency]:
    d = "tphcm.gov.vn"
    departments = [
        ("Sở Giao thông Vận tải", 3, _mix(transport=30, road_transport=20, traffic_safety=10,
                                          urban_railway_safety=20, administrative_reform=5,
                                          inspection=15)),
        ("Sở Y tế", 5, _mix(health=20, medical_services=25, preventive_medicine=15,
                            pharmaceuticals=10, food_testing=20, inspection=10)),
        ("Sở Tài chính", 3, _mix(economics_finance=30, state_budget=25, public_assets=15,
                                 public_procurement=10, policy_making=10, inspection=10)),
        ("Sở Nội vụ", 2, _mix(administrative_reform=30, civil_service=25, urban_government=20,
                              archives=10, gender_equality=5, youth=10)),
        ("Sở Tư pháp", 2, _mix(law_drafting=25, policy_making=20, civil_registration=20,
                               law_dissemination=15, administrative_reform=10, inspection=10)),
        ("Sở Du lịch", 1.5, _mix(tourism=55, smart_tourism=35, culture_sport=10)),
        ("Sở Xây dựng", 2, _mix(construction=40, construction_quality=15, housing_real_estate=15,
                                industrial_infrastructure=10, urban_government=10,
                                inspection=10)),
        ("Sở Công Thương", 2, _mix(economics_finance=20, industry=20, trade_promotion=15,
                                   food_testing=15, industrial_infrastructure=20,
                                   policy_making=10)),
        ("Sở Khoa học và Công nghệ", 1.5, _mix(science_technology=40, intellectual_property=15,
                                               hightech_agriculture=20,
                                               administrative_reform=15, policy_making=10)),
        ("Sở Văn hóa và Thể thao", 2, _mix(culture_sport=45, heritage=15, sport=20, tourism=10,
                                           youth=10)),
        ("Sở Giáo dục và Đào tạo", 4, _mix(general_education=40, education=25,
                                           vocational_training=10, youth=15, policy_making=10)),
        ("Sở Nông nghiệp và Phát triển nông thôn", 3, _mix(hightech_agriculture=45,
                                                           veterinary_plant=15,
                                                           rural_development=10,
                                                           food_testing=20, inspection=10)),
        ("Sở Lao động - Thương binh và Xã hội", 2.5, _mix(gender_equality=30, employment=20,
                                                          social_protection=20,
                                                          vocational_training=15, youth=15)),
        ("Sở Tài nguyên và Môi trường", 2.5, _mix(land_management=40, environment=30,
                                                  inspection=15, administrative_reform=15)),
        ("Sở Kế hoạch và Đầu tư", 2, _mix(economics_finance=25, public_investment=25,
                                          investment_promotion=25,
                                          industrial_infrastructure=25)),
        ("Sở Thông tin và Truyền thông", 1, _mix(digital_transformation=35, e_government=25,
                                                 administrative_reform=20,
                                                 urban_government=20)),
        ("Sở Quy hoạch - Kiến trúc", 1, _mix(urban_planning=60, construction=10,
                                             urban_government=30)),
        ("Ban Quản lý Đường sắt đô thị", 1.5, _mix(urban_railway_safety=60, transport=25,
                                                 construction=15)),
        ("Ban Quản lý các Khu chế xuất và công nghiệp", 1.5, _mix(industrial_infrastructure=60,
                                                                  investment_promotion=20,
                                                                  construction=20)),
        ("Ban Quản lý Khu Nông nghiệp Công nghệ cao", 0.5, _mix(hightech_agriculture=80,
                                                                science_technology=20)),
        ("Ban Quản lý An toàn thực phẩm", 1, _mix(food_testing=70, health=20, inspection=10)),
        ("Thanh tra Thành phố", 1.5, _mix(inspection=50, complaints=25, anti_corruption=25)),
        ("Văn phòng UBND Thành phố", 1.5, _mix(administrative_reform=40, urban_government=30,
                                               policy_making=20, office_work=10)),
    ]
    agencies = [Agency(n, w, m, "department", d) for n, w, m in departments]
    districts = [("UBND Quận 1", 2.5), ("UBND Quận 3", 2.3), ("UBND Quận 4", 2.0),
                 ("UBND Quận 5", 2.2), ("UBND Quận 6", 2.2), ("UBND Quận 7", 2.4),
                 ("UBND Quận 8", 2.4), ("UBND Quận 10", 2.3), ("UBND Quận 11", 2.1),
                 ("UBND Quận 12", 2.6), ("UBND Quận Bình Thạnh", 2.6),
                 ("UBND Quận Gò Vấp", 2.6), ("UBND Quận Phú Nhuận", 2.0),
                 ("UBND Quận Tân Bình", 2.5), ("UBND Quận Tân Phú", 2.4),
                 ("UBND Quận Bình Tân", 2.7), ("UBND Thành phố Thủ Đức", 5.0)]
    rural = [("UBND Huyện Củ Chi", 2.8), ("UBND Huyện Hóc Môn", 2.5),
             ("UBND Huyện Bình Chánh", 3.0), ("UBND Huyện Nhà Bè", 1.8)]
    agencies += [Agency(n, w, _DISTRICT_MIX, "district", d) for n, w in districts]
    agencies += [Agency(n, w, _RURAL_MIX, "district", d) for n, w in rural]
    agencies.append(Agency("UBND Huyện Cần Giờ", 1.6, {**_RURAL_MIX, "smart_tourism": 10},
                           "district", d))
    return agencies


#: The small sample's agencies: a dozen HCMC agencies that cover its four overseas fields.
_SMALL_AGENCIES = ("Sở Y tế", "Ban Quản lý An toàn thực phẩm", "Sở Giao thông Vận tải",
                   "Ban Quản lý Đường sắt đô thị", "Sở Du lịch", "Sở Nội vụ", "Sở Tài chính",
                   "Thanh tra Thành phố", "UBND Quận 1", "UBND Quận 3", "UBND Thành phố Thủ Đức",
                   "UBND Huyện Cần Giờ")

# A province's departments (sở) and their divisions, with the districts' divisions.
_PROVINCE_MIX = _mix(
    administrative_reform=3, administrative_procedures=1.5, office_work=2, civil_service=2,
    local_government=1.5, archives=1.5, emulation_rewards=1, religious_affairs=1,
    state_apparatus=1.5, economics_finance=2, state_budget=2, price_management=1,
    tax_administration=3, state_treasury=1.5, public_procurement=1, public_assets=1,
    accounting_audit=1, statistics=1.5, socioeconomic_planning=1, public_investment=1.5,
    foreign_investment=0.5, enterprise_development=1, cooperatives=0.5,
    investment_promotion=1, agriculture=1.5, crop_production=1.5, livestock=1, forestry=1.5,
    fisheries=1, irrigation_disaster=1.5, veterinary_plant=1, hightech_agriculture=1,
    rural_development=1.5, agri_quality=0.5, agricultural_extension=1, health=1.5,
    medical_services=2, preventive_medicine=1.5, pharmaceuticals=0.7, health_insurance=0.7,
    traditional_medicine=0.5, population=1, food_testing=1, education=1,
    general_education=2.5, preschool_education=1.5, education_quality=0.7,
    teacher_management=0.7, vocational_training=1, construction=1, construction_quality=1,
    urban_planning=1, technical_infrastructure=0.7, housing_real_estate=0.7, transport=1,
    road_transport=1.5, traffic_safety=1, vehicle_registration=0.5, tourism=1,
    smart_tourism=0.5, culture_sport=1, grassroots_culture=1, family_affairs=0.5,
    libraries=0.5, heritage=0.7, sport=0.7, inspection=1.5, specialised_inspection=1,
    complaints=1, citizen_reception=1, anti_corruption=0.7, justice=0.7,
    civil_registration=1.5, judgment_enforcement=1.5, law_dissemination=0.7,
    administrative_violations=0.7, legal_aid=0.5, judicial_records=0.3, notary_lawyers=0.3,
    policy_making=1, environment=1, land_management=2.5, surveying_mapping=0.5, minerals=0.5,
    water_resources=0.7, waste_management=0.7, climate_change=0.3, digital_transformation=1,
    e_government=0.7, grassroots_information=0.7, press_publishing=0.3, postal=0.3, youth=1,
    employment=1, social_protection=1, people_with_merit=0.7, child_protection=0.7,
    social_evils=0.5, occupational_safety=0.5, social_insurance=1, gender_equality=0.5,
    foreign_affairs=0.7, border_affairs=0.3, industrial_infrastructure=0.7, industry=0.7,
    trade_promotion=0.5, market_surveillance=1, energy=0.3, urban_government=0.5,
    science_technology=0.7, standards_quality=0.3, technology_transfer=0.3, ethnic_affairs=0.7,
    ethnic_minority_areas=0.5,
)

_MinistryRow = tuple[str, float, dict[str, float], str]

_HOME_2023 = _mix(state_apparatus=15, administrative_reform=15, civil_service=15,
                  local_government=10, archives=8, religious_affairs=8, emulation_rewards=8,
                  office_work=6, administrative_procedures=5, policy_making=10)
_FINANCE_2023 = _mix(economics_finance=6, state_budget=6, tax_administration=18, customs=16,
                     state_treasury=10, public_debt=3, securities=3, insurance_market=2,
                     price_management=3, accounting_audit=4, national_reserves=5,
                     public_assets=4, public_procurement=4, policy_making=3,
                     digital_transformation=3, legal_affairs=3, specialised_inspection=3)
_HEALTH = _mix(health=12, medical_services=18, preventive_medicine=14, pharmaceuticals=10,
               health_insurance=8, traditional_medicine=6, medical_equipment=6, population=8,
               food_testing=8, policy_making=5, legal_affairs=5)
_TRANSPORT = _mix(transport=12, road_transport=18, traffic_safety=8, vehicle_registration=8,
                  maritime=14, inland_waterway=10, aviation=10, railway=8,
                  urban_railway_safety=6, policy_making=6)
_CONSTRUCTION = _mix(construction=18, construction_quality=15, urban_planning=15,
                     technical_infrastructure=10, housing_real_estate=14, building_materials=8,
                     urban_government=8, industrial_infrastructure=6, policy_making=6)
_TRADE = _mix(economics_finance=5, industry=12, energy=10, chemicals=6, market_surveillance=14,
              import_export=10, e_commerce=8, trade_promotion=8, trade_remedies=5,
              investment_promotion=5, industrial_infrastructure=6, food_testing=4,
              international_integration=4, policy_making=3)
_PLANNING = _mix(economics_finance=12, socioeconomic_planning=18, public_investment=15,
                 foreign_investment=12, investment_promotion=10, statistics=15,
                 enterprise_development=8, cooperatives=5, innovation=5)
_JUSTICE = _mix(justice=8, law_drafting=15, judgment_enforcement=25, civil_registration=10,
                law_dissemination=8, legal_aid=8, judicial_records=6, state_compensation=4,
                administrative_violations=6, notary_lawyers=6, policy_making=4)
_EDUCATION = _mix(education=15, higher_education=20, general_education=20,
                  preschool_education=8, education_quality=12, teacher_management=10,
                  vocational_training=10, policy_making=5)
_SCIENCE = _mix(science_technology=25, technology_transfer=12, intellectual_property=15,
                standards_quality=15, radiation_safety=8, innovation=10,
                digital_transformation=10, policy_making=5)
_AGRICULTURE = _mix(agriculture=8, crop_production=10, livestock=8, hightech_agriculture=10,
                    forestry=12, fisheries=12, irrigation_disaster=12, veterinary_plant=10,
                    rural_development=6, agri_quality=6, agricultural_extension=3,
                    food_testing=3)
_ENVIRONMENT = _mix(environment=15, land_management=22, water_resources=10, climate_change=10,
                    minerals=10, surveying_mapping=8, hydrometeorology=10, sea_islands=7,
                    waste_management=8)
_DIGITAL = _mix(digital_transformation=20, cybersecurity=15, e_government=10,
                press_publishing=12, telecom=12, postal=8, grassroots_information=6,
                it_industry=9, digital_economy=8)
_LABOUR = _mix(labour_social=10, employment=15, social_protection=12, social_insurance=8,
               people_with_merit=10, child_protection=8, social_evils=6,
               occupational_safety=8, vocational_training=10, gender_equality=8, youth=5)
_CULTURE = _mix(culture_sport=10, heritage=12, sport=14, performing_arts=8, libraries=6,
                grassroots_culture=8, family_affairs=6, tourism=20, smart_tourism=8,
                policy_making=8)
_FOREIGN = _mix(foreign_affairs=30, consular=15, international_integration=15,
                economic_diplomacy=12, overseas_vietnamese=10, border_affairs=10,
                investment_promotion=8)
_BANK = _mix(banking=15, monetary_policy=20, banking_supervision=20, credit=15,
             foreign_exchange=10, payment_systems=10, economics_finance=10)
_INSPECTION = _mix(inspection=25, complaints=20, citizen_reception=15, anti_corruption=25,
                   specialised_inspection=15)
_GOV_OFFICE = _mix(administrative_reform=25, administrative_procedures=20, office_work=15,
                   policy_making=15, digital_transformation=10, e_government=15)
_ETHNIC = _mix(ethnic_affairs=50, ethnic_minority_areas=30, policy_making=20)

_MINISTRIES_2023: tuple[_MinistryRow, ...] = (
    ("Bộ Nội vụ", 1.5, _HOME_2023, "moha.gov.vn"),
    ("Bộ Tài chính", 5, _FINANCE_2023, "mof.gov.vn"),
    ("Bộ Ngoại giao", 1.5, _FOREIGN, "mofa.gov.vn"),
    ("Bộ Y tế", 2, _HEALTH, "moh.gov.vn"),
    ("Bộ Giao thông Vận tải", 2, _TRANSPORT, "mt.gov.vn"),
    ("Bộ Xây dựng", 1.5, _CONSTRUCTION, "moc.gov.vn"),
    ("Bộ Công Thương", 2.5, _TRADE, "moit.gov.vn"),
    ("Bộ Kế hoạch và Đầu tư", 1.5, _PLANNING, "mpi.gov.vn"),
    ("Bộ Tư pháp", 2, _JUSTICE, "moj.gov.vn"),
    ("Bộ Giáo dục và Đào tạo", 1.5, _EDUCATION, "moet.gov.vn"),
    ("Bộ Khoa học và Công nghệ", 1, _SCIENCE, "most.gov.vn"),
    ("Bộ Nông nghiệp và Phát triển nông thôn", 2.5, _AGRICULTURE, "mard.gov.vn"),
    ("Bộ Tài nguyên và Môi trường", 2, _ENVIRONMENT, "monre.gov.vn"),
    ("Bộ Thông tin và Truyền thông", 1, _DIGITAL, "mic.gov.vn"),
    ("Bộ Lao động - Thương binh và Xã hội", 1.5, _LABOUR, "molisa.gov.vn"),
    ("Bộ Văn hóa, Thể thao và Du lịch", 1.5, _CULTURE, "bvhttdl.gov.vn"),
    ("Ủy ban Dân tộc", 0.5, _ETHNIC, "ubdt.gov.vn"),
    ("Ngân hàng Nhà nước Việt Nam", 1.5, _BANK, "sbv.gov.vn"),
    ("Thanh tra Chính phủ", 0.8, _INSPECTION, "thanhtra.gov.vn"),
    ("Văn phòng Chính phủ", 0.8, _GOV_OFFICE, "chinhphu.vn"),
)


def _merge_mix(*mixes: Mapping[str, float]) -> dict[str, float]:
    merged: dict[str, float] = {}
    for mix in mixes:
        for code, w in mix.items():
            merged[code] = merged.get(code, 0.0) + w
    return merged


# After the 2025 reorganisation (Resolution 176/2025/QH15): 14 ministries; a merged ministry
# has the field mixes of its parts.
_MINISTRIES_2026: tuple[_MinistryRow, ...] = (
    ("Bộ Nội vụ", 3, _merge_mix(_HOME_2023, _LABOUR), "moha.gov.vn"),
    ("Bộ Tài chính", 6.5, _merge_mix(_FINANCE_2023, _PLANNING), "mof.gov.vn"),
    ("Bộ Ngoại giao", 1.5, _FOREIGN, "mofa.gov.vn"),
    ("Bộ Y tế", 2, _HEALTH, "moh.gov.vn"),
    ("Bộ Xây dựng", 3.5, _merge_mix(_CONSTRUCTION, _TRANSPORT), "moc.gov.vn"),
    ("Bộ Công Thương", 2.5, _TRADE, "moit.gov.vn"),
    ("Bộ Tư pháp", 2, _JUSTICE, "moj.gov.vn"),
    ("Bộ Giáo dục và Đào tạo", 1.5, _EDUCATION, "moet.gov.vn"),
    ("Bộ Khoa học và Công nghệ", 2, _merge_mix(_SCIENCE, _DIGITAL), "mst.gov.vn"),
    ("Bộ Nông nghiệp và Môi trường", 4.5, _merge_mix(_AGRICULTURE, _ENVIRONMENT), "mae.gov.vn"),
    ("Bộ Văn hóa, Thể thao và Du lịch", 1.5, _CULTURE, "bvhttdl.gov.vn"),
    ("Bộ Dân tộc và Tôn giáo", 0.7, _merge_mix(_ETHNIC, {"religious_affairs": 40}),
     "mdtt.gov.vn"),
    ("Ngân hàng Nhà nước Việt Nam", 1.5, _BANK, "sbv.gov.vn"),
    ("Thanh tra Chính phủ", 1, _INSPECTION, "thanhtra.gov.vn"),
    ("Văn phòng Chính phủ", 0.8, _GOV_OFFICE, "chinhphu.vn"),
)

# The 63 provincial units before 1 July 2025; the five centrally-run cities come first.
_CITIES_2023 = ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ")
_PROVINCES_2023 = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre",
    "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Đắk Lắk",
    "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam",
    "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang",
    "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An",
    "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi",
    "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên",
    "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long",
    "Vĩnh Phúc", "Yên Bái",
)
# The 34 provincial units from 1 July 2025 (Resolution 202/2025/QH15).
_CITIES_2026 = ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế")
_PROVINCES_2026 = (
    "Tuyên Quang", "Cao Bằng", "Lai Châu", "Lào Cai", "Thái Nguyên", "Điện Biên", "Lạng Sơn",
    "Sơn La", "Phú Thọ", "Bắc Ninh", "Quảng Ninh", "Hưng Yên", "Ninh Bình", "Thanh Hóa",
    "Nghệ An", "Hà Tĩnh", "Quảng Trị", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
    "Đắk Lắk", "Đồng Nai", "Tây Ninh", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
)


def _agency_fields(agencies: Sequence[Agency]) -> tuple[str, ...]:
    """The fields in which the agencies' officials work, in the order of :data:`FIELDS`."""
    used = {f for a in agencies for f in a.fields}
    return tuple(f for f in FIELDS if f in used)


def _slug(text: str) -> str:
    """ASCII slug of a Vietnamese word or phrase ('Đồng Nai' -> 'dongnai')."""
    text = text.replace("đ", "d").replace("Đ", "D")
    bare = "".join(ch for ch in unicodedata.normalize("NFD", text)
                   if unicodedata.category(ch) != "Mn")
    return "".join(ch for ch in bare.lower() if ch.isalnum())


def _national_agencies(year: int) -> list[Agency]:
    ministries = _MINISTRIES_2026 if year >= 2026 else _MINISTRIES_2023
    cities, provinces = (_CITIES_2026, _PROVINCES_2026) if year >= 2026 else (
        _CITIES_2023, _PROVINCES_2023)
    # After the merger a province is about twice as large.
    scale = 63 / 34 if year >= 2026 else 1.0
    agencies = [Agency(n, w, m, "ministry", dom) for n, w, m, dom in ministries]
    for c in cities:
        name = "UBND Thành phố Hồ Chí Minh" if c == "Hồ Chí Minh" else f"UBND thành phố {c}"
        weight = 4.0 if c in ("Hà Nội", "Hồ Chí Minh") else 1.6
        domain = "tphcm.gov.vn" if c == "Hồ Chí Minh" else f"{_slug(c)}.gov.vn"
        agencies.append(Agency(name, weight * scale, _PROVINCE_MIX, "province", domain))
    for p in provinces:
        agencies.append(Agency(f"UBND tỉnh {p}", 0.9 * scale, _PROVINCE_MIX, "province",
                               f"{_slug(p)}.gov.vn"))
    return agencies


#: Post titles of the next level up, by agency kind: the ``planned_position`` of a candidate.
PLANNED_TITLES: Mapping[str, tuple[str, ...]] = {
    "department": ("Phó Trưởng phòng", "Trưởng phòng", "Phó Giám đốc Sở", "Giám đốc Sở",
                   "Phó Chủ tịch UBND Thành phố"),
    "district": ("Phó Trưởng phòng", "Trưởng phòng", "Phó Chủ tịch UBND quận, huyện",
                 "Chủ tịch UBND quận, huyện", "Phó Bí thư Quận ủy, Huyện ủy"),
    "ministry": ("Phó Trưởng phòng", "Trưởng phòng", "Phó Vụ trưởng", "Vụ trưởng",
                 "Thứ trưởng"),
    "province": ("Phó Trưởng phòng", "Trưởng phòng", "Phó Giám đốc Sở", "Giám đốc Sở",
                 "Phó Chủ tịch UBND tỉnh"),
}


# --------------------------------------------------------------------------------------------
# Small numeric helpers.
# --------------------------------------------------------------------------------------------


def _split_int(total: int, weights: np.ndarray, minimum: int = 0) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` that sum exactly to ``total``.

    Each part gets at least ``minimum``; the rest goes by largest remainder, ties to the
    earlier part, so the split is deterministic.
    """
    n = len(weights)
    rest = total - minimum * n
    if rest < 0:
        raise ValueError(f"cannot split {total} into {n} parts of at least {minimum}")
    w = np.asarray(weights, dtype=float)
    w = w / w.sum() if w.sum() > 0 else np.full(n, 1.0 / n)
    raw = w * rest
    parts = np.floor(raw).astype(np.int64)
    short = rest - int(parts.sum())
    order = np.argsort(-(raw - parts), kind="stable")
    parts[order[:short]] += 1
    return parts + minimum


def _pick(rng: np.random.Generator, options: Sequence[str], n: int,
          p: np.ndarray | Sequence[float] | None = None) -> np.ndarray:
    """``n`` draws from ``options`` (as an object array of str), with weights ``p``."""
    arr = np.array(options, dtype=object)
    if p is None:
        return arr[rng.integers(0, len(arr), n)]
    prob = np.asarray(p, dtype=float)
    return arr[rng.choice(len(arr), size=n, p=prob / prob.sum())]


def _dates(days: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 as ISO strings."""
    return np.datetime_as_string(np.asarray(days, dtype="datetime64[D]"), unit="D").astype(object)


def _day(text: str) -> int:
    return int(np.datetime64(text, "D").astype(np.int64))


def _retirement_age_months(is_f: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Retirement age in months in ``year`` (Decree 135/2020): men 60y3m in 2021, +3 months a
    year to 62 (2028); women 55y4m in 2021, +4 months a year to 60 (2035)."""
    steps = np.clip(np.asarray(year) - 2020, 0, None)
    men = np.minimum(720 + 3 * steps, 744)
    women = np.minimum(660 + 4 * steps, 720)
    return np.where(is_f, women, men)


def _join_lists(cols: Sequence[np.ndarray]) -> np.ndarray:
    """Join columns of strings with ';', skipping empty strings (vectorised over rows)."""
    out = np.array(cols[0], dtype=object)
    for col in cols[1:]:
        col = np.asarray(col, dtype=object)
        has = col != ""
        both = has & (out != "")
        out = np.where(both, out + ";" + col, np.where(has, col, out))
    return out


# --------------------------------------------------------------------------------------------
# Candidates.
# --------------------------------------------------------------------------------------------

# Women are about half of civil servants but fewer as the level rises.
_FEMALE_BY_LEVEL = np.array([0.52, 0.45, 0.38, 0.33, 0.27, 0.2])
# Age (years at 1 January of the plan year) by level: mean and spread.
_AGE_MEAN = np.array([37.0, 43.0, 46.0, 49.0, 52.0, 54.0])
_AGE_SD = np.array([8.0, 7.0, 6.0, 5.5, 5.0, 4.0])
# Share of each level retiring within 30 months of 1 January: the retirement rules bite.
_NEAR_RETIREMENT = np.array([0.02, 0.04, 0.07, 0.08, 0.09, 0.1])
# Share of officials with a secondary field (each adds the courses of that field).
_SECONDARY_SHARE = 0.13


def _candidates(spec: SizeSpec, agencies: Sequence[Agency], year: int,
                rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """The candidates table (preferences and must_train are filled in later), and who retires
    within 30 months of the plan's start."""
    n = spec.n_candidates
    jan1 = _day(f"{year}-01-01")

    ag_w = np.array([1.0 if spec.equal_agencies else a.weight for a in agencies])
    ag = rng.choice(len(agencies), size=n, p=ag_w / ag_w.sum())
    level_p = np.array(spec.level_weights)
    level = rng.choice(len(LEVELS), size=n, p=level_p / level_p.sum())
    is_f = rng.random(n) < _FEMALE_BY_LEVEL[level]

    # Field and secondary field from the agency's mix. Most officials work in one field; about
    # one in eight has a second one (a secondary equal to the primary is dropped rather than
    # redrawn, which keeps this vectorised).
    field = np.empty(n, dtype=object)
    sec1 = np.empty(n, dtype=object)
    other = np.empty(n, dtype=object)  # the field of a post one may be planned for
    for a, agency in enumerate(agencies):
        rows = np.flatnonzero(ag == a)
        if len(rows) == 0:
            continue
        codes = list(agency.fields)
        p = np.array([agency.fields[c] for c in codes])
        field[rows] = _pick(rng, codes, len(rows), p)
        sec1[rows] = _pick(rng, codes, len(rows), p)
        other[rows] = _pick(rng, codes, len(rows))
    sec1 = np.where((rng.random(n) < _SECONDARY_SHARE) & (sec1 != field), sec1, "")

    # Birth dates: ages by level, kept clear of retirement for most; a set share per level
    # retires within 30 months so that the retirement rules exclude some of them.
    ret_age_later = _retirement_age_months(is_f, np.full(n, year + 3)) / 12.0
    age = rng.normal(_AGE_MEAN[level], _AGE_SD[level])
    age = np.clip(age, 25.0, ret_age_later - 2.75)
    birth = jan1 - np.round(age * 365.25).astype(np.int64) - rng.integers(0, 28, n)
    near = rng.random(n) < _NEAR_RETIREMENT[level]
    m_ret = rng.integers(1, 31, n)  # retires this many months after 1 January
    ret_month = np.datetime64(f"{year}-01", "M") + m_ret
    ret_year = ret_month.astype("datetime64[Y]").astype(np.int64) + 1970
    birth_month = ret_month - _retirement_age_months(is_f, ret_year).astype("timedelta64[M]")
    near_birth = birth_month.astype("datetime64[D]").astype(np.int64) + rng.integers(0, 28, n)
    birth = np.where(near, near_birth, birth)
    age_years = (jan1 - birth) / 365.25

    entry = rng.uniform(22.0, 30.0, n)
    service = np.clip(np.floor(age_years - entry), 0, None).astype(np.int64)
    service = np.where(level > 0, np.maximum(service, 5), service)

    # Leaders hold a post with a term; some terms end within 18 months of the plan's start.
    leader = level > 0
    term_months = np.where(rng.random(n) < 0.12, rng.integers(1, 21, n), rng.integers(21, 61, n))
    term_end = (np.datetime64(f"{year}-01", "M") + term_months).astype("datetime64[D]")
    term_end = term_end.astype(np.int64) + rng.integers(0, 28, n)
    leader_term_end = np.where(leader, _dates(term_end), "")

    # Leadership planning (quy hoạch): ~10%, for the post one level up, never near retirement.
    planned = (rng.random(n) < 0.10) & (level <= 3) & ~near
    kinds = np.array([agencies[i].kind for i in range(len(agencies))], dtype=object)[ag]
    title_idx = np.minimum(level, 4)
    titles = np.empty(n, dtype=object)
    for kind, options in PLANNED_TITLES.items():
        rows = kinds == kind
        titles[rows] = np.array(options, dtype=object)[title_idx[rows]]
    planned_position = np.where(planned, titles, "")
    # About a quarter of them are planned for a post in another field of their agency.
    planned_field = np.where(planned & (rng.random(n) < 0.3) & (other != field), other, "")

    rating = _pick(rng, ("excellent", "good", "complete", "incomplete"), n, [24, 71, 4, 1])
    discipline = _pick(rng, ("none", "under_review", "reprimand", "warning"), n,
                       [98.4, 0.6, 0.6, 0.4])
    exit_restricted = rng.random(n) < 0.005
    health_ok = rng.random(n) >= 0.01
    # Leaders and the young speak a language more often (a rough pattern, not a statistic).
    p_lang = np.clip(0.35 + 0.06 * level + (45 - age_years) * 0.008, 0.2, 0.8)
    has_lang = rng.random(n) < p_lang
    language = np.where(has_lang, _pick(rng, LANGUAGES, n, LANGUAGE_P), "")
    language_level = np.where(has_lang, _pick(rng, CEFR, n, CEFR_P), "")
    priority = rng.choice([1, 2, 3], size=n, p=[0.7, 0.2, 0.1])

    # Names and contact details: every part is an index into a small vocabulary, so the slugs
    # of e-mail addresses are computed once per word, not per person.
    fam_i = rng.choice(len(FAMILY), size=n, p=FAMILY_P / FAMILY_P.sum())
    mid_m = rng.integers(0, len(MIDDLE_M), n)
    mid_f = rng.choice(len(MIDDLE_F), size=n, p=MIDDLE_F_P / MIDDLE_F_P.sum())
    giv_m = rng.integers(0, len(GIVEN_M), n)
    giv_f = rng.integers(0, len(GIVEN_F), n)
    fam = np.array(FAMILY, dtype=object)[fam_i]
    mid = np.where(is_f, np.array(MIDDLE_F, dtype=object)[mid_f],
                   np.array(MIDDLE_M, dtype=object)[mid_m])
    giv = np.where(is_f, np.array(GIVEN_F, dtype=object)[giv_f],
                   np.array(GIVEN_M, dtype=object)[giv_m])
    full_name = fam + " " + mid + " " + giv

    def initials(words: Sequence[str]) -> np.ndarray:
        return np.array(["".join(_slug(w)[0] for w in x.split()) for x in words], dtype=object)

    slug_given = np.where(is_f, np.array([_slug(w) for w in GIVEN_F], dtype=object)[giv_f],
                          np.array([_slug(w) for w in GIVEN_M], dtype=object)[giv_m])
    ini = (initials(FAMILY)[fam_i]
           + np.where(is_f, initials(MIDDLE_F)[mid_f], initials(MIDDLE_M)[mid_m]))
    number = np.arange(1, n + 1)
    width = max(6, len(str(n)))
    ids = pd.Series(number).astype(str).str.zfill(width).radd(spec.id_prefix).to_numpy()
    domain = np.array([a.domain for a in agencies], dtype=object)[ag]
    email = slug_given + ini + "." + pd.Series(number).astype(str).to_numpy(dtype=object) + "@" \
        + domain
    phone = (_pick(rng, MOBILE_PREFIXES, n)
             + pd.Series(rng.integers(0, 10_000_000, n)).astype(str).str.zfill(7)
             .to_numpy(dtype=object))

    frame = pd.DataFrame({
        "candidate_id": ids,
        "full_name": full_name,
        "agency": np.array([a.name for a in agencies], dtype=object)[ag],
        "gender": np.where(is_f, "F", "M"),
        "birth_date": _dates(birth),
        "position_level": np.array(LEVELS, dtype=object)[level],
        "field": field,
        "years_of_service": service,
        "secondary_fields": sec1,
        "planned_position": planned_position,
        "planned_field": planned_field,
        "leader_term_end": leader_term_end,
        "rating_prev_year": rating,
        "discipline": discipline,
        "exit_restricted": exit_restricted,
        "health_ok": health_ok,
        "language": language,
        "language_level": language_level,
        "priority": priority,
        "preferences": "",
        "must_train": False,
        "email": email,
        "phone": phone,
    })
    return frame, near


# --------------------------------------------------------------------------------------------
# Programmes.
# --------------------------------------------------------------------------------------------


def _year_days(year: int, rng: np.random.Generator, n: int, first: str, last: str,
               duration: np.ndarray) -> np.ndarray:
    """Start days between ``first`` and ``last`` (MM-DD of ``year``), ending by ``last``."""
    lo, hi = _day(f"{year}-{first}"), _day(f"{year}-{last}")
    span = np.maximum(hi - lo - duration, 1)
    return lo + (rng.random(n) * span).astype(np.int64)


def _course_titles(field: str) -> tuple[str, ...]:
    titles = DOMESTIC_TITLES.get(field)
    if titles:
        return titles
    label = FIELDS[field][0]
    return (f"Bồi dưỡng {label}" if label.startswith("nghiệp vụ")
            else f"Bồi dưỡng nghiệp vụ {label}",)


def _class_counts(places: np.ndarray, total: int, exponent: float) -> np.ndarray:
    """Split ``total`` classes among course groups with ``places`` places each.

    Group ``i`` gets about ``m * places[i] ** exponent`` classes (``m`` found by bisection so
    that the counts add up), at least one and at most ``places[i] // MIN_CLASS``; the last few
    go to the groups whose share was rounded down the most. Deterministic.
    """
    places = np.asarray(places, dtype=np.int64)
    if len(places) > total:
        raise ValueError(f"{total} classes are too few for {len(places)} course groups")
    room = np.maximum(places // MIN_CLASS, 1)
    if room.sum() <= total:  # more classes than places allow: smaller classes, as evenly
        return room + _split_int(total - int(room.sum()), places.astype(float))
    w = places.astype(float) ** exponent

    def counts(m: float) -> np.ndarray:
        return np.clip(np.floor(m * w + 0.5), 1, room).astype(np.int64)

    lo, hi = 0.0, float(total) / float(w.min())
    for _ in range(100):
        mid = (lo + hi) / 2
        if counts(mid).sum() <= total:
            lo = mid
        else:
            hi = mid
    k = counts(lo)
    left = total - int(k.sum())
    order = np.argsort(-(lo * w - k), kind="stable")
    order = order[k[order] < room[order]][:left]
    k[order] += 1
    return k


def _domestic_programs(spec: SizeSpec, cand: pd.DataFrame, year: int, fields: Sequence[str],
                       n_programs: int, source: str, rng: np.random.Generator) -> pd.DataFrame:
    """Domestic courses whose capacities sum exactly to ``spec.domestic_places``.

    Field courses are given per (field, band of levels) group (:data:`BANDS`), with
    :data:`FIELD_PLACES` places per official of that field and band; the courses open to every
    field (``*``) take the rest, those limited to some levels at most a third of those levels.
    The classes are shared among the groups by :func:`_class_counts`: so every place has people
    who may take it, and each official is eligible for a handful of programmes (the classes of
    their field and band, the open courses of their level), not for dozens.
    """
    total = spec.domestic_places
    scale = total / len(cand)
    band_of = {lv: b for b, (levels, _label) in enumerate(BANDS) for lv in levels}
    people = pd.crosstab(cand["field"], cand["position_level"].map(band_of))
    every: list[tuple[str, int, int]] = []  # (field, band, places)
    for f in fields:
        if f not in people.index:
            continue
        for b in range(len(BANDS)):
            count = int(people.at[f, b]) if b in people.columns else 0
            every.append((f, b, int(FIELD_PLACES[b] * scale * count)))
    # (field, band or None = all levels, places); fewer than MIN_CLASS would not make a class.
    groups: list[tuple[str, int | None, int]] = [g for g in every if g[2] >= MIN_CLASS]
    n_star = len(STAR_COURSES)
    n_field = n_programs - n_star
    if n_field < len(groups) or not groups:
        # Few programmes (the small sample): one all-level course per field, the largest ones.
        by_field: dict[str, int] = {}
        for f, _b, places in every:
            by_field[f] = by_field.get(f, 0) + places
        ranked = sorted(by_field, key=lambda f: (-by_field[f], f))[:max(n_field, 0)]
        groups = [(f, None, by_field[f]) for f in fields if f in ranked]
    if not groups or n_field < 1:
        raise ValueError(f"{n_programs} domestic programmes are too few for {len(fields)} fields")

    levels = cand["position_level"].value_counts()
    star_w = np.array([w for *_x, w in STAR_COURSES])
    star_places = _split_int(total - sum(g[2] for g in groups), star_w)
    # A course limited to some levels gives its excess to the open course (digital skills,
    # which every official is to take).
    for i, (_title, target, _days, _w) in enumerate(STAR_COURSES):
        if target:
            cap = int(sum(int(levels.get(lv, 0)) for lv in target) * scale / 3)
            if star_places[i] > cap:
                star_places[0] += star_places[i] - cap
                star_places[i] = cap

    g_places = np.array([g[2] for g in groups], dtype=np.int64)
    n_classes = _class_counts(g_places, n_field, spec.class_exponent)
    rows: list[dict[str, Any]] = []
    for (f, band, places), k in zip(groups, n_classes, strict=True):
        titles = _course_titles(f)
        for j, cap in enumerate(_split_int(places, rng.uniform(0.6, 1.4, int(k)))):
            title = titles[j % len(titles)]
            if band is not None:
                title = f"{title} dành cho {BANDS[band][1]}"
            if k > len(titles):
                title = f"{title} (lớp {j // len(titles) + 1})"
            rows.append({"field": f, "target": BANDS[band][0] if band is not None else (),
                         "days": None, "title": title, "capacity": int(cap)})
    for (title, target, days, _w), star_cap in zip(STAR_COURSES, star_places, strict=True):
        if star_cap > 0:
            rows.append({"field": "*", "target": target, "days": days, "title": title,
                         "capacity": int(star_cap)})
    n = len(rows)
    frame = pd.DataFrame(rows)
    # Field courses: mostly a few days, some one to six weeks.
    durations = np.array([2, 3, 4, 5, 7, 10, 14, 21, 28, 42])
    dur = rng.choice(durations, size=n, p=[0.12, 0.16, 0.14, 0.18, 0.14, 0.1, 0.06, 0.05,
                                           0.03, 0.02])
    lo = np.array([d[0] if d else 0 for d in frame["days"]])
    hi = np.array([d[1] if d else 0 for d in frame["days"]])
    star = hi > 0
    dur = np.where(star, lo + (rng.random(n) * (hi - lo + 1)).astype(np.int64), dur)
    raw_cost = (1.5 * MILLION + 0.45 * MILLION * dur) * rng.uniform(0.85, 1.15, n)
    cost = (np.clip(raw_cost, 2 * MILLION, 20 * MILLION) / 100_000).round().astype(np.int64) \
        * 100_000
    # A venue or teacher fee for some classes; some classes open only with enough learners.
    fixed = np.where(rng.random(n) < 0.25, rng.integers(5, 31, n) * MILLION, 0)
    caps = frame["capacity"].to_numpy()
    min_size = np.where((rng.random(n) < 0.2) & ~star,
                        np.minimum(rng.integers(5, 16, n), caps // 2), 0)
    funding = np.where((rng.random(n) < 0.8) | star, source, "agency_funds")
    start = _year_days(year, rng, n, "02-01", "11-30", dur)
    # A cap on spending for a few classes, never below what 90% of a full class costs.
    full = caps * cost + fixed
    budget_cap = np.where((rng.random(n) < 0.02) & ~star,
                          np.ceil(0.9 * full / MILLION) * MILLION, np.nan)
    return pd.DataFrame({
        "title": frame["title"].to_numpy(),
        "mode": "domestic",
        "type": "course",
        "field": frame["field"].to_numpy(),
        "year": year,
        "capacity": caps,
        "cost_per_person": cost,
        "min_size": min_size.astype(np.int64),
        "fixed_cost": fixed.astype(np.int64),
        "funding_source": funding,
        "budget_cap": pd.array(budget_cap, dtype="Int64"),
        "content_group": pd.array([pd.NA] * n, dtype="Int64"),
        "country": "",
        "start_date": _dates(start),
        "duration_days": dur.astype(np.int64),
        "language": "",
        "min_language_level": "",
        "target_levels": np.array([";".join(t) for t in frame["target"]], dtype=object),
    })


#: Target levels of short study tours: most are for the heads of departments and their
#: deputies and division heads; some are for division heads and their deputies.
_SHORT_TARGETS = ("head_division;deputy_director;director",
                  "deputy_head_division;head_division")


def _overseas_programs(spec: SizeSpec, preset: QuotaPreset, year: int, fields: Sequence[str],
                       source: str, rng: np.random.Generator) -> pd.DataFrame:
    """Overseas programmes: short study tours by field, and for conclusion 39 medium-term and
    language programmes (taught in a foreign language, with a minimum level)."""
    rows: list[dict[str, Any]] = []
    cap, min_size = spec.overseas_capacity, spec.overseas_min_size
    for target in preset.targets:
        for i in range(target.n_programs):
            if target.type == "short_term":
                code = fields[i % len(fields)]
                country = _pick(rng, OVERSEAS_COUNTRIES.get(code, _ASIA), 1)[0]
                # Leadership skills (content group 4) are for leaders of every field.
                field = "*" if code == "leadership" else code
                days = int(rng.integers(7, 17))
                near = country in _ASIA
                per_person = (80 if near else 140) * MILLION + days * (5 if near else 6.5) \
                    * MILLION * rng.uniform(0.9, 1.1)
                per_person = min(max(per_person, 80 * MILLION), 250 * MILLION)
                # A second tour on a field, and every fourth tour, is for division heads, so
                # that two tours on one field do not compete for the same people.
                junior = code in fields[: i % len(fields)] or i >= len(fields) or i % 4 == 3
                levels = spec.tour_levels or _SHORT_TARGETS[1 if junior else 0]
                topic = FIELDS[code][0]
                title = f"Bồi dưỡng {topic} tại {country}"
                lang, min_lvl = "", ""
                start = _year_days(year, rng, 1, "03-01", "11-30", np.array([days]))[0]
            elif target.type == "medium_term":
                lang = "en" if i % 4 != 3 else "fr"
                country = _pick(rng, LANGUAGE_COUNTRIES[lang][:3], 1)[0]
                # Mostly on leadership, open to every field: too few department heads of one
                # specialism speak a language at B2 to fill a delegation.
                field = ("*", "administrative_reform", "*")[i % 3]
                days = int(rng.integers(85, 96))
                per_person = rng.uniform(400, 900) * MILLION
                levels = "deputy_director;director"
                topic = FIELDS["leadership" if field == "*" else field][0]
                title = f"Bồi dưỡng trung hạn về {topic} tại {country}"
                min_lvl = "B2"
                start = _year_days(year, rng, 1, "03-01", "12-15", np.array([days]))[0]
            else:  # language: 4 months at home, then 4 months abroad
                order = ("en", "en", "fr", "en", "ja", "ko", "en", "zh", "en", "de", "ru", "en")
                lang = order[i % len(order)]
                country = _pick(rng, LANGUAGE_COUNTRIES[lang], 1)[0]
                # For officials who use the language at work; open to every field, whose
                # candidates are matched by language instead.
                field = "*"
                days = int(rng.integers(230, 251))
                per_person = rng.uniform(45, 65) * MILLION
                levels = "deputy_head_division;head_division;deputy_director"
                title = (f"Bồi dưỡng {LANGUAGE_NAMES[lang]} kết hợp thực tế "
                         f"tại {country}")
                min_lvl = "B1"
                start = _year_days(year, rng, 1, "02-01", "04-30", np.array([days]))[0]
            # Language training is a format, not a content: it has no content group.
            group = None if target.type == "language" else \
                FIELDS["leadership" if field == "*" else field][1]
            rows.append({
                "title": title,
                "mode": "overseas",
                "type": target.type,
                "field": field,
                "year": year,
                "capacity": cap,
                "cost_per_person": int(round(per_person / MILLION)) * MILLION,
                "min_size": min_size,
                "fixed_cost": int(rng.integers(10, 51)) * 10 * MILLION,
                "funding_source": source,
                "content_group": group,
                "country": country,
                "start_date": _dates(np.array([start]))[0],
                "duration_days": days,
                "language": lang,
                "min_language_level": min_lvl,
                "target_levels": levels,
            })
    frame = pd.DataFrame(rows)
    n = len(frame)
    # A foreign partner co-funds a few tours; one programme has a spending cap that still
    # lets a full delegation go.
    partner = (frame["type"] == "short_term").to_numpy() & (np.arange(n) % 6 == 5)
    frame["funding_source"] = np.where(partner, "partner", frame["funding_source"])
    full = frame["capacity"] * frame["cost_per_person"] + frame["fixed_cost"]
    cap_col = np.full(n, np.nan)
    if n > 1:
        cap_col[1] = math.ceil(full.iloc[1] / 10 / MILLION) * 10 * MILLION
    frame["budget_cap"] = pd.array(cap_col, dtype="Int64")
    frame["content_group"] = pd.array(frame["content_group"], dtype="Int64")
    return frame


# --------------------------------------------------------------------------------------------
# Preferences, must_train, history, pairs.
# --------------------------------------------------------------------------------------------


def _preferences(cand: pd.DataFrame, prog: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """0–3 preferred programmes per candidate, among those of the candidate's own field whose
    target levels admit the candidate's level."""
    n = len(cand)
    k_want = rng.choice(4, size=n, p=[0.35, 0.3, 0.2, 0.15])
    cols = [np.full(n, "", dtype=object) for _ in range(3)]
    prog_levels = [set(t.split(";")) if t else set() for t in prog["target_levels"]]
    prog_field = prog["field"].to_numpy()
    prog_ids = prog["program_id"].to_numpy()
    # Group the candidates by (field, level) once: one sort, then slices.
    f_code, f_names = pd.factorize(cand["field"], sort=True)
    lv_code = cand["position_level"].map({lv: i for i, lv in enumerate(LEVELS)}).to_numpy()
    combo = f_code.astype(np.int64) * len(LEVELS) + lv_code
    order = np.argsort(combo, kind="stable")
    starts = np.searchsorted(combo[order], np.arange(len(f_names) * len(LEVELS) + 1))
    for g in range(len(f_names) * len(LEVELS)):
        rows = order[starts[g]:starts[g + 1]]
        f, lv = f_names[g // len(LEVELS)], LEVELS[g % len(LEVELS)]
        options = np.array([p for p in np.flatnonzero(prog_field == f)
                            if not prog_levels[p] or lv in prog_levels[p]], dtype=np.int64)
        m, k = len(rows), len(options)
        if m == 0 or k == 0:
            continue
        # Three distinct options, uniformly: each draw skips the ones already taken.
        a = rng.integers(0, k, m)
        b = rng.integers(0, max(k - 1, 1), m)
        b = b + (b >= a)
        c = rng.integers(0, max(k - 2, 1), m)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        c = c + (c >= lo)
        c = c + (c >= hi)
        for j, pick in enumerate((a, b, c)[: min(3, k)]):
            take = k_want[rows] > j
            cols[j][rows[take]] = prog_ids[options[pick[take]]]
    return _join_lists(cols)


def _choose_must_train(cand: pd.DataFrame, prog: pd.DataFrame, near_retirement: np.ndarray,
                       n_must: int, rng: np.random.Generator) -> None:
    """Mark ``n_must`` candidates who must be trained, chosen so the plan stays feasible:
    specialists who pass every rule, far from retirement, who prefer the largest course open
    to every field and level (digital skills). At most a tenth of its places."""
    open_course = prog[(prog["mode"] == "domestic") & (prog["field"] == "*")
                       & (prog["target_levels"] == "") & (prog["min_size"] == 0)]
    best = open_course.sort_values(["capacity", "program_id"], ascending=[False, True]).iloc[0]
    ok = ((cand["position_level"] == "specialist") & cand["rating_prev_year"].isin(
        ["excellent", "good"]) & (cand["discipline"] == "none") & ~cand["exit_restricted"]
        & cand["health_ok"] & ~near_retirement).to_numpy()
    pool = np.flatnonzero(ok)
    n_must = min(n_must, len(pool), int(best["capacity"]) // 10)
    chosen = np.sort(rng.choice(pool, size=n_must, replace=False))
    cand.loc[chosen, "must_train"] = True
    prefs = cand.loc[chosen, "preferences"].to_numpy()
    cand.loc[chosen, "preferences"] = [best["program_id"] if not p else
                                       ";".join([best["program_id"]] + p.split(";")[:2])
                                       for p in prefs]


def _history(cand: pd.DataFrame, year: int, national: bool,
             rng: np.random.Generator) -> pd.DataFrame:
    """Past training: domestic courses, and overseas programmes last year (the no-consecutive-
    years rule) and earlier (the short-term-once rule)."""
    n = len(cand)
    level = cand["position_level"].map({lv: i for i, lv in enumerate(LEVELS)}).to_numpy()
    ids = cand["candidate_id"].to_numpy()
    parts: list[pd.DataFrame] = []

    def add(mask: np.ndarray, years: np.ndarray, mode: str, type_: str, prefix: str,
            n_prog: int) -> None:
        rows = np.flatnonzero(mask)
        y = years[rows]
        num = rng.integers(1, n_prog + 1, len(rows))
        pid = (prefix + "-" + pd.Series(y).astype(str) + "-"
               + pd.Series(num).astype(str).str.zfill(3)).to_numpy(dtype=object)
        parts.append(pd.DataFrame({"candidate_id": ids[rows], "year": y, "mode": mode,
                                   "type": type_, "program_id": pid}))

    r = rng.random((5, n))
    add(r[0] < 0.05, year - rng.integers(1, 3, n), "domestic", "course", "DN", 300)
    leaders = level >= 2
    add(leaders & (r[1] < 0.05), np.full(n, year - 1), "overseas", "short_term", "NN", 15)
    add((level == 1) & (r[1] < 0.02), np.full(n, year - 1), "overseas", "short_term", "NN", 15)
    add(leaders & (r[2] < 0.06), year - rng.integers(2, 6, n), "overseas", "short_term", "NN",
        15)
    # A longer programme abroad last year: only the no-consecutive-years rule stops these.
    add((level >= 3) & (r[3] > 0.985), np.full(n, year - 1), "overseas", "medium_term", "NN", 15)
    if national:
        add((level >= 3) & (r[3] < 0.015), year - rng.integers(2, 4, n), "overseas",
            "medium_term", "NN", 15)
        add((level >= 1) & (r[4] < 0.01), year - rng.integers(2, 4, n), "overseas", "language",
            "NN", 15)
    hist = pd.concat(parts, ignore_index=True)
    hist = hist.sort_values(["candidate_id", "year", "mode", "type"], kind="stable")
    return hist.reset_index(drop=True)


def _pairs(cand: pd.DataFrame, prog: pd.DataFrame, hist: pd.DataFrame, n_each: int,
           rng: np.random.Generator) -> pd.DataFrame:
    """A few overrides, as a planner would enter them.

    * ``cost``: senior officials travel on a higher per-diem standard (Circular
      102/2012/TT-BTC), so their place on a tour costs 10–20% more;
    * ``forbidden``: a person withdrawn from one programme (a scheduling conflict);
    * ``allowed``: an exception granted to someone who went abroad last year.
    """
    overseas = prog[prog["mode"] == "overseas"]
    ids = cand["candidate_id"].to_numpy()
    rows: list[pd.DataFrame] = []
    senior = cand["position_level"].isin(["head_division", "deputy_director",
                                          "director"]).to_numpy()
    for field, group in overseas.groupby("field", sort=True):
        who = np.flatnonzero(senior & ((cand["field"] == field).to_numpy() | (field == "*")))
        if len(who) == 0:
            continue
        pick = rng.choice(who, size=min(len(who), max(1, n_each // 4)), replace=False)
        prog_ids = group["program_id"].to_numpy()[rng.integers(0, len(group), len(pick))]
        base = group.set_index("program_id").loc[prog_ids, "cost_per_person"].to_numpy()
        cost = (base * rng.uniform(1.1, 1.2, len(pick)) / MILLION).round().astype(np.int64)
        rows.append(pd.DataFrame({"candidate_id": ids[pick], "program_id": prog_ids,
                                  "cost": cost * MILLION, "status": ""}))
    dom = prog[prog["mode"] == "domestic"]
    pick = rng.choice(len(cand), size=n_each, replace=False)
    rows.append(pd.DataFrame({"candidate_id": ids[pick],
                              "program_id": dom["program_id"].to_numpy()[
                                  rng.integers(0, len(dom), n_each)],
                              "cost": pd.NA, "status": "forbidden"}))
    last_year = hist[(hist["mode"] == "overseas") & (hist["year"] == prog["year"].max() - 1)]
    lucky = last_year.merge(cand[["candidate_id", "field", "position_level"]], on="candidate_id")
    short = overseas[overseas["type"] == "short_term"]
    lucky = lucky.merge(short[["program_id", "field", "target_levels"]], on="field",
                        suffixes=("_hist", ""))
    # A boolean array, not a list: an empty list would select columns (none), not rows.
    lucky = lucky[np.array([lv in t.split(";") for lv, t in zip(
        lucky["position_level"], lucky["target_levels"], strict=True)], dtype=bool)]
    lucky = lucky.drop_duplicates("candidate_id").head(max(1, n_each // 2))
    rows.append(pd.DataFrame({"candidate_id": lucky["candidate_id"].to_numpy(),
                              "program_id": lucky["program_id"].to_numpy(),
                              "cost": pd.NA, "status": "allowed"}))
    pairs = pd.concat(rows, ignore_index=True)
    pairs = pairs.drop_duplicates(["candidate_id", "program_id"]).sort_values(
        ["candidate_id", "program_id"], kind="stable")
    pairs["score"] = pd.array([pd.NA] * len(pairs), dtype="Int64")
    pairs["cost"] = pd.array(pairs["cost"], dtype="Int64")
    return pairs[list(PAIR_COLUMNS)].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Budget and the scenario file.
# --------------------------------------------------------------------------------------------


def _round_up(value: float, step: int) -> int:
    return int(math.ceil(value / step) * step)


def _budget(prog: pd.DataFrame, preset: QuotaPreset) -> dict[str, Any]:
    """Budget envelopes: binding but feasible.

    Each source's cap is 93% of what its programmes cost when filled (domestic courses full;
    overseas places up to each type's quota, in the costliest delegations) — so the envelope
    bites — and never below 115% of the cheapest way to meet every overseas minimum, so the
    plan stays feasible. The total is 95% of the sum of the caps.
    """
    dom = prog[prog["mode"] == "domestic"]
    fill: dict[str, float] = (dom["capacity"] * dom["cost_per_person"] + dom["fixed_cost"]) \
        .groupby(dom["funding_source"]).sum().to_dict()
    need: dict[str, float] = {}
    ovs = prog[prog["mode"] == "overseas"]
    for target in preset.targets:
        group = ovs[ovs["type"] == target.type]
        per_place = group["cost_per_person"] + group["fixed_cost"] / group["capacity"]
        # Filling: the costliest delegations first, up to the quota.
        left = target.max
        for i in per_place.sort_values(ascending=False, kind="stable").index:
            take = min(left, int(group.at[i, "capacity"]))
            if take <= 0:
                break
            src = group.at[i, "funding_source"]
            fill[src] = fill.get(src, 0) + take * group.at[i, "cost_per_person"] \
                + group.at[i, "fixed_cost"]
            left -= take
        # Meeting the minimum: the cheapest delegations first, full.
        left = target.min or 0
        for i in per_place.sort_values(kind="stable").index:
            if left <= 0:
                break
            take = int(group.at[i, "capacity"])
            src = group.at[i, "funding_source"]
            need[src] = need.get(src, 0) + take * group.at[i, "cost_per_person"] \
                + group.at[i, "fixed_cost"]
            left -= take
    step = 100 * MILLION
    by_source = {s: _round_up(max(0.93 * fill[s], 1.15 * need.get(s, 0)), step)
                 for s in sorted(fill)}
    total = _round_up(max(0.95 * sum(by_source.values()), 1.15 * sum(need.values())), step)
    return {"total": total, "by_source": by_source}


_DESCRIPTIONS = {
    "hcmc": ("Kế hoạch đào tạo, bồi dưỡng cán bộ, công chức, viên chức TP. Hồ Chí Minh năm "
             "{year} (dữ liệu tổng hợp, seed {seed}): tối đa {total_max} người đi bồi dưỡng ở "
             "nước ngoài theo đoàn 15-20 người, {places} chỗ học trong nước."),
    "hcmc-small": ("Dữ liệu mẫu nhỏ (seed {seed}): {n} cán bộ, công chức của 12 cơ quan "
                   "TP. Hồ Chí Minh, {n_prog} chương trình, tối đa {total_max} người đi nước "
                   "ngoài năm {year}."),
    "kl39": ("Bồi dưỡng cán bộ lãnh đạo, quản lý ở nước ngoài theo Kết luận 39-KL/TW, năm "
             "{year} (dữ liệu tổng hợp, seed {seed}): khoảng {total_max} người, gồm {short} "
             "ngắn hạn, {medium} trung hạn và {language} ngoại ngữ; {places} chỗ học trong "
             "nước."),
}


def _scenario(name: str, size: str, seed: int, year: int, preset: QuotaPreset,
              prog: pd.DataFrame, n_candidates: int, budget: Mapping[str, Any],
              data: Mapping[str, str]) -> dict[str, Any]:
    """The scenario as a mapping, in the key order the file shows."""
    quotas: list[dict[str, Any]] = []
    total: dict[str, Any] = {"name": "overseas-total" if preset.name.startswith("hcmc")
                             else "kl39-total", "select": {"mode": "overseas"}}
    if preset.total_min is not None:
        total["min"] = preset.total_min
    total["max"] = preset.total_max
    quotas.append(total)
    if len(preset.targets) > 1:
        for t in preset.targets:
            q: dict[str, Any] = {"name": f"kl39-{t.type.replace('_', '-')}",
                                 "select": {"mode": "overseas", "type": t.type}}
            if t.min is not None:
                q["min"] = t.min
            q["max"] = t.max
            quotas.append(q)
    quotas.append({"name": "women-abroad", "select": {"mode": "overseas"},
                   "min_share": {"share": preset.women_share, "of": {"gender": "F"}}})
    quotas.append({"name": "agency-cap-abroad", "select": {"mode": "overseas"},
                   "per": "agency", "max": preset.agency_cap})
    floor_field, floor_min, penalty = preset.floor
    quotas.append({"name": f"{floor_field.replace('_', '-')}-floor",
                   "select": {"mode": "overseas", "field": floor_field}, "min": floor_min,
                   "soft": True,
                   "penalty": penalty})
    by_type = {t.type: t.max for t in preset.targets}
    places = int(prog.loc[prog["mode"] == "domestic", "capacity"].sum())
    description = _DESCRIPTIONS[preset.name if preset.name.startswith("hcmc") else "kl39"].format(
        year=year, seed=seed, total_max=preset.total_max, n=n_candidates, n_prog=len(prog),
        places=f"{places:,}".replace(",", "."),  # Vietnamese thousands separator
        short=by_type.get("short_term"), medium=by_type.get("medium_term"),
        language=by_type.get("language"),
    )
    return {
        "name": name,
        "description": description,
        "data": dict(data),
        "years": [year],
        "rules": {"max_programs_per_candidate": 1},
        "quotas": quotas,
        "budget": dict(budget),
        "objective": {"field_weights": dict(preset.field_weights)},
        "solver": {"time_limit": {"small": 10, "city": 60, "national": 300}[size], "seed": 0},
    }


def _flow(value: Any) -> str:
    """One YAML value in flow style on one line (``{mode: overseas}``, ``'text'``, ``175``)."""
    text = yaml.safe_dump([value], default_flow_style=True, allow_unicode=True, sort_keys=False,
                          width=1_000_000).strip()
    return text[1:-1]


def scenario_yaml(scenario: Mapping[str, Any], command: str) -> str:
    """The scenario as YAML text: block style, flow style for leaf mappings, a header comment.

    Parameters
    ----------
    scenario
        The mapping returned in :attr:`Dataset.scenario`.
    command
        The command that regenerates the file, quoted in the header.
    """
    lines: list[str] = []
    for key, value in scenario.items():
        if isinstance(value, dict):
            # A mapping: one line per sub-key, each value in flow style.
            lines.append(f"{key}:")
            lines += [f"  {k}: {_flow(v)}" for k, v in value.items()]
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            # A list of mappings (quotas): one line per item, as in the docs.
            lines.append(f"{key}:")
            lines += [f"  - {_flow(v)}" for v in value]
        else:
            lines.append(f"{key}: {_flow(value)}")
    body = "\n".join(lines) + "\n"
    header = (f"# Generated by `{command}`.\n"
              "# Synthetic data; regenerate rather than edit (see scenarios/README.md).\n")
    return header + body


# --------------------------------------------------------------------------------------------
# Public API.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """A generated data set, in memory: the four tables and the scenario mapping.

    The scenario's ``data`` paths are the ones :func:`generate` writes (``data/….csv``).
    """

    candidates: pd.DataFrame
    programs: pd.DataFrame
    pairs: pd.DataFrame
    history: pd.DataFrame
    scenario: dict[str, Any]


def _resolve(size: str, year: int | None, quotas: str | None) -> tuple[SizeSpec, int, QuotaPreset]:
    if size not in SIZES:
        raise ValueError(f"size {size!r} is not one of {', '.join(SIZES)}")
    spec = SIZES[size]
    if quotas is None:
        if spec.region == "national":
            quotas = "kl39-2026" if (year or 2023) >= 2026 else "kl39-2023"
        else:
            quotas = "hcmc-small" if size == "small" else "hcmc"
    if quotas not in QUOTA_PRESETS:
        raise ValueError(f"quotas {quotas!r} is not one of {', '.join(QUOTA_PRESETS)}")
    is_kl39 = quotas.startswith("kl39")
    if is_kl39 != (spec.region == "national"):
        need = "national" if is_kl39 else "small or city"
        raise ValueError(f"quotas {quotas!r} need size {need}, not {size!r}")
    if year is None:
        year = 2026 if quotas == "kl39-2026" else 2023
    if not 2000 <= year <= 2100:
        raise ValueError(f"year {year} is out of range (2000-2100)")
    return spec, year, QUOTA_PRESETS[quotas]


def generate_tables(size: Size, seed: int = 0, year: int | None = None,
                    quotas: str | None = None, compress: bool = False) -> Dataset:
    """Generate a data set in memory (what :func:`generate` writes).

    Parameters
    ----------
    size
        ``small``, ``city`` or ``national`` (see :data:`SIZES`).
    seed
        Seed of the random generator; the same seed gives the same data.
    year
        The plan year (default 2023; 2026 for the ``kl39-2026`` quotas).
    quotas
        Quota preset (:data:`QUOTA_PRESETS`): ``hcmc`` for ``city``, ``hcmc-small`` for
        ``small``, ``kl39-2023`` or ``kl39-2026`` for ``national`` (default by year).
    compress
        Whether the scenario's data paths name ``.csv.gz`` files.

    Returns
    -------
    Dataset
        The tables and the scenario mapping.

    Raises
    ------
    ValueError
        For an unknown size or preset, or a preset that does not fit the size.
    """
    spec, year, preset = _resolve(size, year, quotas)
    streams = np.random.SeedSequence(seed).spawn(6)
    rng_c, rng_p, rng_pref, rng_h, rng_pairs, rng_o = (np.random.default_rng(s) for s in streams)
    if spec.region == "national":
        agencies = _national_agencies(year)
        dom_fields: Sequence[str] = tuple(f for f in FIELDS if f != "leadership")
        ovs_fields: Sequence[str] = NATIONAL_OVERSEAS_FIELDS
        source_dom, source_ovs = "state_budget", "kl39_fund"
    else:
        agencies = _hcmc_agencies()
        if size == "small":
            agencies = [a for a in agencies if a.name in _SMALL_AGENCIES]
            ovs_fields = ("food_testing", "urban_railway_safety", "administrative_reform",
                          "urban_government")
        else:
            ovs_fields = ("food_testing", "urban_railway_safety", "administrative_reform",
                          "hightech_agriculture", "industrial_infrastructure", "smart_tourism",
                          "urban_government", "gender_equality")
        dom_fields = _agency_fields(agencies)
        source_dom = source_ovs = "city_budget"

    cand, near_retirement = _candidates(spec, agencies, year, rng_c)
    n_overseas = sum(t.n_programs for t in preset.targets)
    dom = _domestic_programs(spec, cand, year, dom_fields, spec.n_programs - n_overseas,
                             source_dom, rng_p)
    ovs = _overseas_programs(spec, preset, year, ovs_fields, source_ovs, rng_o)
    width = max(3, len(str(max(len(dom), len(ovs)))))
    dom.insert(0, "program_id", [f"DN-{year}-{i + 1:0{width}d}" for i in range(len(dom))])
    ovs.insert(0, "program_id", [f"NN-{year}-{i + 1:0{width}d}" for i in range(len(ovs))])
    prog = pd.concat([dom, ovs[list(dom.columns)]], ignore_index=True)
    prog = prog[list(PROGRAM_COLUMNS)]

    cand["preferences"] = _preferences(cand, prog, rng_pref)
    n_must = {"small": 3, "city": 12, "national": 40}[size]
    _choose_must_train(cand, prog, near_retirement, n_must, rng_pref)
    hist = _history(cand, year, spec.region == "national", rng_h)
    pairs = _pairs(cand, prog, hist, {"small": 4, "city": 12, "national": 60}[size], rng_pairs)

    budget = _budget(prog, preset)
    ext = ".csv.gz" if compress else ".csv"
    data = {t: f"data/{t}{ext}" for t in TABLES}
    name = {"small": f"sample-{year}", "city": f"hcmc-{year}"}.get(size, preset.name)
    if spec.region == "national" and preset.name[-4:] != str(year):
        name = f"{preset.name}-in-{year}"
    scenario = _scenario(name, size, seed, year, preset, prog, len(cand), budget, data)
    return Dataset(cand[list(CANDIDATE_COLUMNS)], prog, pairs, hist, scenario)


def _to_csv(frame: pd.DataFrame, path: Path, compress: bool) -> None:
    # Booleans as the contract's words; integers stay integers (nullable where empty).
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == bool:
            out[col] = np.where(out[col].to_numpy(), "true", "false")
    tmp = path.with_name(path.name + ".tmp")
    text = out.to_csv(index=False, lineterminator="\n").encode("utf-8")
    with open(tmp, "wb") as raw:
        if compress:
            # mtime=0 and no file name in the gzip header keep the bytes identical run to run.
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=6,
                               filename="") as gz:
                gz.write(text)
        else:
            raw.write(text)
    tmp.replace(path)


def generate(size: Size, out_dir: Path, seed: int = 0, year: int | None = None,
             quotas: str | None = None, *, force: bool = False, compress: bool = False) -> Path:
    """Write a synthetic data set and its scenario file.

    Writes ``out_dir/data/{candidates,programs,pairs,history}.csv`` (``.csv.gz`` with
    ``compress``) and ``out_dir/scenario.yaml``, whose ``data`` paths point at them.

    Parameters
    ----------
    size
        ``small`` (500 candidates), ``city`` (20,000) or ``national`` (200,000).
    out_dir
        Output folder; created if missing.
    seed
        Seed of the random generator: the same seed writes byte-identical files.
    year
        The plan year (default 2023; 2026 for the ``kl39-2026`` quotas).
    quotas
        Quota preset: ``hcmc`` / ``hcmc-small`` for city and small, ``kl39-2023`` or
        ``kl39-2026`` for national (by default chosen from the size and the year).
    force
        Overwrite the files of an existing, non-empty ``out_dir``.
    compress
        Write gzip-compressed CSV (used for the national data shipped in ``scenarios/``).

    Returns
    -------
    Path
        The scenario file written.

    Raises
    ------
    FileExistsError
        ``out_dir`` exists, is not empty, and ``force`` is not set.
    ValueError
        For an unknown size or preset, or a preset that does not fit the size.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise FileExistsError(f"{out_dir} exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise FileExistsError(f"{out_dir} is not empty (use force=True / --force to overwrite)")
    dataset = generate_tables(size, seed=seed, year=year, quotas=quotas, compress=compress)
    data_dir = out_dir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    # With force, the other form of each table (csv vs csv.gz) is removed so that the folder
    # holds exactly one copy of each; nothing else in the folder is touched.
    for table in TABLES:
        for ext in (".csv", ".csv.gz"):
            stale = data_dir / f"{table}{ext}"
            if stale.exists():
                stale.unlink()
    for table in TABLES:
        frame = getattr(dataset, table)
        _to_csv(frame, out_dir / dataset.scenario["data"][table], compress)
    # The header names the command without --out, so the file is the same wherever it goes.
    parts = [f"allocator generate --size {size} --seed {seed}"]
    if year is not None:
        parts.append(f"--year {year}")
    if quotas is not None:
        parts.append(f"--quotas {quotas}")
    if compress:
        parts.append("--compress")
    command = " ".join(parts)
    path = out_dir / "scenario.yaml"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(scenario_yaml(dataset.scenario, command), encoding="utf-8", newline="\n")
    tmp.replace(path)
    return path
