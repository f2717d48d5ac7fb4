"""A believable demo office, reproducible by seed (INTERFACES.md, "Demo data").

One head, two managers, six representatives; Russian companies with valid INNs; two
years of activities, deals through every stage, proposals, invoices, payments,
deliveries (some overdue), monthly targets and marketing spend by channel, ending at
``today`` so that every dashboard has data. The same seed and the same ``today`` give
the same data. ``size="large"`` makes at least 100,000 clients and 1,000,000 activities
for performance work.

Rows go in with bulk INSERTs (SQLAlchemy Core, many rows per statement) in one
transaction; the audit log records one entry for the whole demo, not a million.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert

from salesdesk import clock
from salesdesk.db.bulk import IndexesDropped, TriggersPaused, bulk_insert
from salesdesk.db.engine import Database
from salesdesk.db.models import (
    Activity,
    Appointment,
    AuditEntry,
    Client,
    Company,
    Competitor,
    Contact,
    Deal,
    Delivery,
    Document,
    DocumentLine,
    DocumentSeries,
    MarketingBudget,
    MarketingSpend,
    MarketNote,
    Payment,
    Product,
    StrategyItem,
    Target,
    Task,
    TrainingItem,
    TrainingTemplate,
    User,
)
from salesdesk.db.statistics import analyse
from salesdesk.documents.totals import compute_document, compute_line
from salesdesk.domain import DEFAULT_STAGE_PROBABILITIES, OPEN_STAGES, company_full_name
from salesdesk.fields import digits, normalize_name
from salesdesk.money import round_money
from salesdesk.validation import account_key

DEMO_PASSWORD = "demo"
SIZES = {"small": (320, 14), "large": (100_000, 11)}  # clients, activities per client

SEGMENTS = ["Розница", "Опт", "Производство", "HoReCa", "Госсектор", "IT и связь"]
REGIONS = {
    "Москва": ["Москва", "Зеленоград"],
    "Северо-Запад": ["Санкт-Петербург", "Великий Новгород", "Псков"],
    "Центр": ["Тула", "Калуга", "Ярославль", "Владимир"],
    "Поволжье": ["Казань", "Самара", "Нижний Новгород", "Саратов"],
    "Урал": ["Екатеринбург", "Челябинск", "Пермь"],
    "Сибирь": ["Новосибирск", "Красноярск", "Омск"],
}
CHANNELS = ["Сайт", "Контекстная реклама", "Выставка", "Рекомендация", "Холодный звонок",
            "Партнёры"]
CHANNEL_WEIGHTS = [30, 25, 10, 15, 12, 8]
CHANNEL_BUDGET = {"Сайт": 60_000, "Контекстная реклама": 180_000, "Выставка": 120_000,
                  "Рекомендация": 20_000, "Холодный звонок": 40_000, "Партнёры": 50_000}
LOST_REASONS = ["Выбрали конкурента", "Дорого", "Не устроили сроки поставки",
                "Проект отложен", "Нет бюджета", "Не вышли на ЛПР"]
ADJECTIVES = ["Северный", "Южный", "Восточный", "Западный", "Новый", "Первый", "Главный",
              "Русский", "Сибирский", "Уральский", "Волжский", "Невский", "Центральный",
              "Технический", "Деловой", "Городской", "Региональный", "Промышленный",
              "Торговый", "Инженерный", "Строительный", "Современный", "Надёжный", "Быстрый"]
NOUNS = ["Альянс", "Вектор", "Горизонт", "Ресурс", "Стандарт", "Капитал", "Проект", "Путь",
         "Союз", "Партнёр", "Импульс", "Потенциал", "Стиль", "Мир", "Дом", "Двор", "Берег",
         "Квартал", "Центр", "Поток", "Фонд", "Контур", "Элемент", "Сервис", "Офис", "Склад"]
ROOTS = ["Техно", "Строй", "Агро", "Мед", "Энерго", "Транс", "Авто", "Инвест", "Пром", "Торг",
         "Лес", "Нефте", "Газ", "Металл", "Фарм", "Хим", "Пищ", "Электро", "Инфо", "Эко"]
SUFFIXES = ["сервис", "строй", "снаб", "комплект", "маркет", "пром", "трейд", "лайн", "систем",
            "групп", "тех", "холдинг", "логистик", "ресурс"]
FORMS = ["ООО", "ООО", "ООО", "ООО", "АО", "ПАО", "ЗАО"]
SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов",
            "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев",
            "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев"]
FIRST_M = ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Иван", "Михаил",
           "Никита", "Артём", "Павел", "Роман", "Олег", "Евгений"]
FIRST_F = ["Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Екатерина",
           "Светлана", "Юлия", "Анастасия", "Марина"]
PATRONYMICS_M = ["Александрович", "Сергеевич", "Дмитриевич", "Андреевич", "Викторович",
                 "Петрович", "Иванович", "Михайлович", "Олегович"]
PATRONYMICS_F = ["Александровна", "Сергеевна", "Дмитриевна", "Андреевна", "Викторовна",
                 "Петровна", "Ивановна", "Михайловна", "Олеговна"]
POSITIONS = ["Генеральный директор", "Коммерческий директор", "Директор по закупкам",
             "Менеджер по закупкам", "Офис-менеджер", "Главный бухгалтер",
             "Руководитель АХО", "Заместитель директора"]
PRODUCTS = [
    ("Кресло офисное «Бюрократ CH-868»", "OF-CH868", "шт", "12900.00", "22"),
    ("Кресло руководителя «Президент»", "OF-PRES", "шт", "38500.00", "22"),
    ("Стол письменный 1400×700", "OF-T1400", "шт", "14200.00", "22"),
    ("Стол переговорный на 8 мест", "OF-TM8", "шт", "46800.00", "22"),
    ("Шкаф для документов со стеклом", "OF-SH01", "шт", "18700.00", "22"),
    ("Тумба мобильная 3 ящика", "OF-TB3", "шт", "6900.00", "22"),
    ("Стеллаж металлический 2000 мм", "WH-ST2000", "шт", "8400.00", "22"),
    ("Сейф офисный 650 мм", "OF-SF650", "шт", "27300.00", "22"),
    ("Перегородка офисная 1200 мм", "OF-PG1200", "шт", "9800.00", "22"),
    ("Ресепшн угловой", "OF-RC01", "шт", "58900.00", "22"),
    ("Диван для зоны ожидания", "OF-DV02", "шт", "32400.00", "22"),
    ("Стул посетителя «ИЗО»", "OF-ISO", "шт", "2450.00", "22"),
    ("Кресло эргономичное с подголовником", "OF-ERG5", "шт", "24600.00", "22"),
    ("Стол с электроприводом 1600 мм", "OF-TE1600", "шт", "52700.00", "22"),
    ("Бумага офисная А4, 500 листов", "PP-A4", "пач", "389.00", "22"),
    ("Ламинатор А3", "EQ-LAM3", "шт", "7600.00", "22"),
    ("Шредер на 20 листов", "EQ-SHR20", "шт", "15900.00", "22"),
    ("Кулер для воды напольный", "EQ-KUL", "шт", "11800.00", "22"),
    ("Вода питьевая 19 л", "FD-W19", "бут", "290.00", "10"),
    ("Учебник «Продажи B2B»", "BK-B2B", "шт", "1250.00", "10"),
    ("Доставка по городу", "SV-DLV", "усл", "2500.00", "22"),
    ("Сборка мебели", "SV-ASM", "час", "1800.00", "22"),
    ("Проектирование офиса", "SV-PRJ", "усл", "45000.00", "22"),
    ("Гарантийное обслуживание, 1 год", "SV-WAR", "усл", "9900.00", "22"),
    ("Вывоз старой мебели", "SV-OUT", "усл", "6000.00", "22"),
    ("Ковровое покрытие, м²", "FL-CRP", "м²", "1450.00", "22"),
    ("Жалюзи вертикальные, м²", "DC-JAL", "м²", "1890.00", "22"),
    ("Лампа настольная светодиодная", "EQ-LED", "шт", "3200.00", "22"),
]


@dataclass
class _Person:
    id: uuid.UUID
    login: str
    name: str
    role: str
    manager_id: uuid.UUID | None
    prefix: str
    skill: float = 1.0


@dataclass
class DemoSummary:
    """What was made, printed by ``salesdesk demo``."""

    logins: list[tuple[str, str, str]] = field(default_factory=list)  # login, name, role
    counts: dict[str, int] = field(default_factory=dict)
    password: str = DEMO_PASSWORD


class DemoBuilder:
    """Generates the rows; :func:`build_demo` writes them."""

    def __init__(self, seed: int, size: str, today: date) -> None:
        if size not in SIZES:
            raise ValueError(size)
        self.rng = random.Random(seed)
        # The figures added later (issue 19) draw from a generator of their own, so that
        # everything else stays as it was for the same seed.
        self.aux = random.Random(f"aux-{seed}")
        self.seed = seed
        self.size = size
        self.today = today
        self.start = date(today.year - 2, today.month, 1)
        self.rows: dict[type, list[dict[str, Any]]] = {}
        self.people: list[_Person] = []
        self.clients: list[dict[str, Any]] = []
        self.products: list[dict[str, Any]] = []
        self.won_deals: list[dict[str, Any]] = []

    # --- small helpers ------------------------------------------------------------------

    def uid(self) -> uuid.UUID:
        """A UUID from the seeded generator (so the same seed gives the same ids)."""
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def stamp(self, day: date) -> datetime:
        """A created/updated timestamp on ``day`` during office hours."""
        return datetime(day.year, day.month, day.day, 9 + self.rng.randrange(9),
                        self.rng.randrange(60), tzinfo=UTC)

    def add(self, model: type, **values: Any) -> dict[str, Any]:
        """Queue a row with the columns every record has."""
        values.setdefault("id", self.uid())
        if hasattr(model, "version"):
            when = values.pop("_when", self.today)
            values.setdefault("created_at", self.stamp(when))
            values.setdefault("updated_at", values["created_at"])
            values.setdefault("version", 1)
            values.setdefault("deleted_at", None)
        self.rows.setdefault(model, []).append(values)
        return values

    def add_aside(self, model: type, **values: Any) -> dict[str, Any]:
        """:meth:`add`, with the id and time drawn from the generator of the later
        additions, so that the rest of the demo stays as it was for the same seed."""
        when = values.pop("_when", self.today)
        stamp = datetime(when.year, when.month, when.day, 9 + self.aux.randrange(9),
                         self.aux.randrange(60), tzinfo=UTC)
        row = {"id": uuid.UUID(int=self.aux.getrandbits(128), version=4),
               "created_at": stamp, "updated_at": stamp, "version": 1, "deleted_at": None,
               **values}
        self.rows.setdefault(model, []).append(row)  # (add() would draw from self.rng)
        return row

    def day_between(self, first: date, last: date) -> date:
        """A working day (Monday to Friday) between two dates."""
        span = max((last - first).days, 0)
        for _ in range(10):
            day = first + timedelta(days=self.rng.randint(0, span))
            if day.weekday() < 5:
                return day
        return first + timedelta(days=self.rng.randint(0, span))

    def inn(self, person: bool = False) -> str:
        """A random INN with valid check digits."""
        from stdnum.ru import inn

        region = f"{self.rng.choice([77, 78, 50, 16, 66, 54, 52, 63, 71, 76]):02d}"
        if person:
            base = region + "".join(str(self.rng.randrange(10)) for _ in range(8))
            return base + inn.calc_personal_check_digits(base)
        base = region + "".join(str(self.rng.randrange(10)) for _ in range(7))
        return base + inn.calc_company_check_digit(base)

    def person_name(self) -> tuple[str, str]:
        """A Russian full name and its gender (``m``/``f``)."""
        if self.rng.random() < 0.5:
            return (f"{self.rng.choice(SURNAMES)} {self.rng.choice(FIRST_M)} "
                    f"{self.rng.choice(PATRONYMICS_M)}", "m")
        return (f"{self.rng.choice(SURNAMES)}а {self.rng.choice(FIRST_F)} "
                f"{self.rng.choice(PATRONYMICS_F)}", "f")

    def company_name(self) -> str:
        """A plausible Russian company name with its legal form."""
        style = self.rng.random()
        if style < 0.4:
            core = f"{self.rng.choice(ROOTS)}{self.rng.choice(SUFFIXES)}"
        elif style < 0.75:
            core = f"{self.rng.choice(ADJECTIVES)} {self.rng.choice(NOUNS).lower()}"
            core = core[0].upper() + core[1:]
        else:
            core = f"{self.rng.choice(ROOTS)}-{self.rng.choice(NOUNS)}"
        return f"{self.rng.choice(FORMS)} «{core}»"

    def phone(self) -> str:
        """A Russian mobile number in the international format."""
        return (f"+7 9{self.rng.randint(10, 99)} {self.rng.randint(100, 999)}-"
                f"{self.rng.randint(10, 99)}-{self.rng.randint(10, 99)}")

    # --- the office ---------------------------------------------------------------------

    def build(self) -> None:
        """Generate every row of the demo office."""
        self._company()
        self._users()
        self._products()
        self._competitors()
        self._clients()
        self._pipeline()
        if self.size != "large":
            self._deal_flow()
        self._plans()
        self._training()
        self._documents()
        self._appointments()

    def _company(self) -> None:
        from salesdesk.branding import prepare_image
        from salesdesk.demo_images import logo_png, signature_png, stamp_png

        bik = "044525225"
        self.add(Company, name="Торговый дом „Вектор“", legal_form="ООО",
                 inn="7714837492", kpp="771401001", ogrn="1187746123454",
                 address="125040, г. Москва, ул. Правды, д. 24, стр. 3, офис 410",
                 phone="+7 495 123-45-67", email="sales@td-vector.ru",
                 bank_name="ПАО Сбербанк", bik=bik, corr_account="30101810400000000225",
                 settlement_account=account_key(bik[-3:], "40702810038000123456"),
                 head_name="Воронина Анна Сергеевна", head_position="Генеральный директор",
                 accountant_name="Котова Марина Олеговна", base_currency="RUB",
                 vat_included=True, default_vat_rate="22", document_language="ru",
                 proposal_valid_days=14, invoice_due_days=5,
                 payment_terms="Оплата 100 % по счёту в течение 5 банковских дней.",
                 delivery_terms="Доставка по Москве — в течение 3 рабочих дней после оплаты.",
                 payment_terms_en="Payment in full within 5 banking days of the invoice.",
                 delivery_terms_en="Delivery within Moscow in 3 working days after payment.",
                 # Through the same checks and scaling as an image the head picks.
                 logo=prepare_image(logo_png("Вектор"), "logo"),
                 stamp=prepare_image(stamp_png("ООО «ТОРГОВЫЙ ДОМ ВЕКТОР»", "7714837492",
                                               "1187746123454", "г. Москва"), "stamp"),
                 signature_head=prepare_image(signature_png(1), "signature_head"),
                 signature_accountant=prepare_image(signature_png(2), "signature_accountant"),
                 activity_window_days=365, department_name="Отдел продаж",
                 stage_probabilities={k: str(v) for k, v in DEFAULT_STAGE_PROBABILITIES.items()
                                      if k in OPEN_STAGES},
                 commission_scheme={"base": "won", "rate_pct": "3", "threshold_pct": "80",
                                    "accelerator_pct": "5"},
                 ranking_metric="plan_attainment_pct", is_demo=True, _when=self.start)

    def _users(self) -> None:
        head = _Person(self.uid(), "head", "Воронина Анна Сергеевна", "head", None, "HD")
        self.people.append(head)
        names = ["Соколов Игорь Петрович", "Лебедева Ольга Викторовна"]
        rep_names = ["Кузнецов Пётр Андреевич", "Попова Елена Игоревна",
                     "Волков Дмитрий Олегович", "Морозова Светлана Павловна",
                     "Новиков Артём Сергеевич", "Егорова Юлия Александровна"]
        managers = []
        for i, name in enumerate(names, start=1):
            managers.append(_Person(self.uid(), f"manager{i}", name, "manager", head.id,
                                    f"M{i}", skill=1.1))
        self.people.extend(managers)
        for i, name in enumerate(rep_names, start=1):
            manager = managers[(i - 1) // 3]
            self.people.append(_Person(self.uid(), f"rep{i}", name, "rep", manager.id, f"R{i}",
                                       skill=self.rng.uniform(0.7, 1.3)))
        from salesdesk.auth import hasher

        positions = {"head": "Руководитель отдела продаж", "manager": "Менеджер по продажам",
                     "rep": "Торговый представитель"}
        for person in self.people:
            self.add(User, id=person.id, login=person.login, name=person.name,
                     role=person.role, manager_id=person.manager_id, active=True,
                     password_hash=hasher().hash(DEMO_PASSWORD), doc_prefix=person.prefix,
                     position=positions[person.role],
                     phone=f"+7 495 123-45-{60 + len(self.rows.get(User, []))}",
                     email=f"{person.login}@td-vector.ru", failed_logins=0,
                     locked_until=None, last_login_at=None, _when=self.start)

    def _products(self) -> None:
        for name, sku, unit, price, rate in PRODUCTS:
            self.products.append(self.add(
                Product, name=name, sku=sku, unit=unit, price=Decimal(price), vat_rate=rate,
                description=f"{name}. Гарантия производителя, доставка по России.",
                active=True, _when=self.start))

    def _competitors(self) -> None:
        self.competitors = []
        for name, strengths, weaknesses in (
            ("Офисмаг", "Низкие цены на расходники", "Долгая доставка мебели"),
            ("Комус", "Широкий ассортимент, своя логистика", "Высокие цены на мебель"),
            ("Мебель-Сити", "Собственное производство", "Мало сервиса"),
            ("Бюро-Стиль", "Дизайн-проекты", "Цены выше рынка на 15 %"),
        ):
            self.competitors.append(self.add(Competitor, name=name, website=None,
                                             strengths=strengths, weaknesses=weaknesses,
                                             prices=None, notes=None, _when=self.start))
        head = self.people[0]
        for i, (title, body) in enumerate((
            ("Комус снизил цены на кресла", "С 1-го числа скидка 10 % на кресла серии Бюрократ."),
            ("Спрос на столы с электроприводом", "Запросы выросли вдвое за квартал."),
            ("Выставка «Мебель-2026»", "Договорились о встречах с 12 компаниями."),
        )):
            self.add(MarketNote, competitor_id=self.competitors[i % 2]["id"] if i < 2 else None,
                     author_id=head.id, date=self.today - timedelta(days=20 * (i + 1)),
                     title=title, text=body)

    def _clients(self) -> None:
        count, _per = SIZES[self.size]
        sellers = [p for p in self.people if p.role == "rep"] + \
                  [p for p in self.people if p.role == "manager"]
        weights = [p.skill * (3 if p.role == "rep" else 1) for p in sellers]
        regions = list(REGIONS)
        large = self.size == "large"
        used_names: set[str] = set()
        for n in range(count):
            owner = self.rng.choices(sellers, weights)[0]
            person = self.rng.random() < 0.08
            for _attempt in range(1 if large else 30):  # distinct names read better
                if person:
                    fio, _g = self.person_name()
                    name = f"ИП {fio}"
                else:
                    name = self.company_name()
                if name not in used_names:
                    break
            used_names.add(name)
            inn = self.inn(person)
            region = self.rng.choice(regions)
            city = self.rng.choice(REGIONS[region])
            since = self.day_between(self.start - timedelta(days=200), self.today -
                                     timedelta(days=10))
            phone = self.phone()
            email = f"info{n}@{['mail', 'yandex', 'corp', 'bk'][n % 4]}.ru"
            contact_name, _g = self.person_name()
            contact_phone = self.phone()
            contact_email = f"c{n}@client{n % 97}.ru"
            search = " ".join([name, inn, email, digits(phone), city, contact_name,
                               contact_email, digits(contact_phone)]).casefold().replace("ё", "е")
            client = self.add(
                Client, name=name, name_norm=normalize_name(name),
                kind="person" if person else "company", inn=inn,
                kpp=None if person else inn[:4] + "01001", segment=self.rng.choice(SEGMENTS),
                market=region, city=city,
                source=self.rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0], owner_id=owner.id,
                priority=False, status="active", email=email, phone=phone,
                phone_e164="+" + digits(phone), address=f"г. {city}, ул. Ленина, д. {n % 150 + 1}",
                notes=None, document_language="en" if n % 40 == 0 else "ru",
                search_text=search, _when=since)
            client["_owner"] = owner
            client["_since"] = since
            self.clients.append(client)
            client["_contact"] = (contact_name, self.rng.choice(POSITIONS))
            self.add(Contact, client_id=client["id"], name=contact_name,
                     position=client["_contact"][1], phone=contact_phone,
                     phone_e164="+" + digits(contact_phone), email=contact_email, notes=None,
                     _when=since)
            if not large and self.rng.random() < 0.4:
                second, _g = self.person_name()
                self.add(Contact, client_id=client["id"], name=second,
                         position=self.rng.choice(POSITIONS), phone=None, phone_e164=None,
                         email=None, notes=None, _when=since)

    def _pipeline(self) -> None:
        """Activities, deals, requests, tasks and deliveries per client."""
        _count, per_client = SIZES[self.size]
        kinds = ["call", "call", "call", "email", "email", "message", "meeting",
                 "presentation", "request"]
        notes = {"call": ["Обсудили потребности", "Уточнили сроки", "Не дозвонились",
                          "Договорились о встрече"],
                 "email": ["Отправили прайс", "Отправили КП", "Ответили на вопросы"],
                 "message": ["Напомнили о счёте", "Согласовали доставку"],
                 "meeting": ["Встреча в офисе клиента", "Показали образцы"],
                 "presentation": ["Презентация новой коллекции", "Демонстрация в шоуруме"],
                 "request": ["Запросили цену на кресла", "Нужна спецификация",
                             "Просят сроки поставки", "Запрос на скидку"]}
        large = self.size == "large"
        rnd = self.rng.random
        acts = self.rows.setdefault(Activity, [])
        today_ord = self.today.toordinal()
        days: dict[int, date] = {}
        stamps: dict[tuple[int, int], datetime] = {}
        for client in self.clients:
            owner: _Person = client["_owner"]
            since: date = client["_since"]
            first = max(since, self.start)
            first_ord = first.toordinal()
            span = today_ord - first_ord + 1
            n_acts = max(1, int(self.rng.gauss(per_client, per_client / 3)))
            for _ in range(n_acts):
                # The hot loop of a large demo (a million rows): plain arithmetic on
                # ordinals instead of the helpers above.
                ordinal = first_ord + int(rnd() * span)
                weekday = ordinal % 7  # 1 is Monday, 6 Saturday, 0 Sunday
                if weekday in (6, 0) and ordinal - first_ord >= 2:
                    ordinal -= 1 if weekday == 6 else 2
                day = days.get(ordinal) or days.setdefault(ordinal, date.fromordinal(ordinal))
                hour = 9 + int(rnd() * 9)
                stamp = stamps.get((ordinal, hour)) or stamps.setdefault(
                    (ordinal, hour), datetime(day.year, day.month, day.day, hour, tzinfo=UTC))
                kind = kinds[int(rnd() * len(kinds))]
                choices = notes[kind]
                values: dict[str, Any] = {
                    "id": self.uid(), "client_id": client["id"], "user_id": owner.id,
                    "kind": kind, "date": day, "note": choices[int(rnd() * len(choices))],
                    "request_status": None, "answer_by": None, "answered_on": None,
                    "answer": None, "answered_at": None, "created_at": stamp,
                    "updated_at": stamp, "version": 1, "deleted_at": None}
                if kind == "request":
                    values["answer_by"] = day + timedelta(days=1 + int(rnd() * 3))
                    if (self.today - day).days > 14 or rnd() < 0.6:
                        values["request_status"] = "closed"
                        values["answered_on"] = answered = min(self.today,
                                                               day + timedelta(days=1))
                        values["answer"] = "Отправили ответ клиенту"
                        # Answered in the working hours of that day (the moment kept).
                        values["answered_at"] = max(stamp, datetime(
                            answered.year, answered.month, answered.day, 6 + ordinal % 9,
                            (ordinal * 7) % 60, tzinfo=UTC))
                    else:
                        values["request_status"] = "open"
                acts.append(values)
            if large:  # the performance demo: deals per client, as many as it takes
                n_deals = self.rng.choices([0, 1, 2, 3, 4], [20, 35, 25, 12, 8])[0]
                for _ in range(n_deals):
                    self._deal(client, owner, self.day_between(first, self.today), large)
            if not large and rnd() < 0.25:
                due = self.today + timedelta(days=self.rng.randint(-6, 12))
                self.add(Task, assignee_id=owner.id, created_by_id=owner.id,
                         client_id=client["id"], deal_id=None,
                         title=self.rng.choice(["Перезвонить по КП", "Отправить договор",
                                                "Уточнить реквизиты", "Согласовать доставку",
                                                "Назначить встречу"]),
                         due_date=due, done_on=None if due >= self.today - timedelta(days=3)
                         or rnd() < 0.5 else due, note=None,
                         _when=due - timedelta(days=5))

    def _deal_flow(self) -> None:
        """The small demo's deals: each seller opens a deal or two a week with one of
        their clients, all through the two years, so that every month has sales, a plan
        to measure them against and payments coming in."""
        by_owner: dict[uuid.UUID, list[dict[str, Any]]] = {}
        for client in self.clients:
            by_owner.setdefault(client["_owner"].id, []).append(client)
        week = self.start - timedelta(days=self.start.weekday())
        sellers = [p for p in self.people if p.role in ("rep", "manager")]
        while week <= self.today:
            for seller in sellers:
                mine = by_owner.get(seller.id, [])
                rate = 1.6 * seller.skill if seller.role == "rep" else 0.8
                for _ in range(self._poisson(rate)):
                    opened = week + timedelta(days=self.rng.randrange(5))
                    if opened > self.today:
                        continue
                    known = [c for c in mine if c["_since"] <= opened]
                    if known:
                        self._deal(self.rng.choice(known), seller, opened, False)
            week += timedelta(days=7)

    def _poisson(self, rate: float) -> int:
        """A count with the given mean (Knuth's method; the rates here are small)."""
        from math import exp

        limit, product, count = exp(-rate), self.rng.random(), 0
        while product > limit:
            count += 1
            product *= self.rng.random()
        return count

    def _deal(self, client: dict[str, Any], owner: _Person, opened: date, large: bool) -> None:
        amount = round_money(Decimal(self.rng.lognormvariate(12.2, 0.8)))
        amount = max(Decimal("15000.00"), min(amount, Decimal("4500000.00"))).quantize(
            Decimal("100"))
        age = (self.today - opened).days
        cycle = max(1, int(self.rng.gauss(28, 14)))
        if age > cycle:
            won = self.rng.random() < 0.4 * owner.skill
            stage = "won" if won else ("lost" if self.rng.random() < 0.8 else
                                       self.rng.choice(["negotiation", "proposal"]))
        else:
            stage = self.rng.choice(["new", "new", "qualified", "qualified", "proposal",
                                     "negotiation"])
        closed = opened + timedelta(days=cycle) if stage in ("won", "lost") else None
        if closed is not None and closed > self.today:
            closed = self.today
        title = self.rng.choice(["Мебель для нового офиса", "Кресла для колл-центра",
                                 "Переговорная комната", "Оснащение филиала",
                                 "Замена рабочих мест", "Ресепшн и зона ожидания",
                                 "Складские стеллажи", "Годовой контракт на расходники"])
        deal = self.add(
            Deal, client_id=client["id"], owner_id=owner.id, title=title, amount=amount,
            stage=stage, opened_on=opened,
            expected_close=opened + timedelta(days=cycle + self.rng.randint(-5, 20)),
            closed_on=closed, notes=None,
            lost_reason=self.rng.choice(LOST_REASONS) if stage == "lost" else None,
            competitor_id=(self.rng.choice(self.competitors)["id"]
                           if stage == "lost" and self.rng.random() < 0.5 else None),
            lost_at_stage=(self.aux.choice(["new", "qualified", "qualified", "proposal",
                                            "proposal", "negotiation"])
                           if stage == "lost" else None),
            _when=opened)
        if stage == "won" and self.aux.random() < 0.35:
            # A won deal was often fought for against a competitor too.
            deal["competitor_id"] = self.aux.choice(self.competitors)["id"]
        deal["_client"] = client
        deal["_owner"] = owner
        if stage == "won":
            self.won_deals.append(deal)
            if not large and closed is not None and (self.today - closed).days < 60:
                due = closed + timedelta(days=self.rng.randint(5, 20))
                delivered = (due - timedelta(days=self.rng.randint(0, 3))
                             if due < self.today and self.rng.random() < 0.88 else None)
                self.add(Delivery, client_id=client["id"], owner_id=owner.id, invoice_id=None,
                         deal_id=deal["id"], description=title, due_date=due,
                         delivered_on=delivered, note=None, _when=closed)

    def _plans(self) -> None:
        """Monthly targets per seller, marketing spend by channel, strategy."""
        month = self.start
        this_month = self.today.replace(day=1)
        last = (this_month + timedelta(days=62)).replace(day=1)
        sellers = [p for p in self.people if p.role in ("rep", "manager")]
        scale = 1 if self.size == "small" else 250
        sold: dict[tuple[uuid.UUID, date], Decimal] = {}
        for deal in self.won_deals:
            key = (deal["owner_id"], deal["closed_on"].replace(day=1))
            sold[key] = sold.get(key, Decimal(0)) + deal["amount"]
        while month <= last:
            for person in sellers:
                # A head plans from what each person sells: the month's target is near
                # what they then did (attainment mostly 75-125 %); a month without sales,
                # the current and future ones use their average of the months before.
                history = [v for (who, m), v in sold.items() if who == person.id
                           and month - timedelta(days=185) <= m < min(month, this_month)]
                usual = (sum(history, Decimal(0)) / len(history) if history
                         else Decimal(900_000 if person.role == "rep" else 600_000) * scale)
                actual = sold.get((person.id, month)) if month < this_month else None
                base = actual if actual else usual
                factor = Decimal(str(round(self.rng.uniform(0.8, 1.25), 2)))
                target = max(Decimal(50_000), (base * factor).quantize(Decimal("10000")))
                self.add(Target, user_id=person.id, month=month, amount=target, _when=month)
            if month <= self.today:
                for channel in CHANNELS:
                    budget = CHANNEL_BUDGET[channel] * scale
                    amount = Decimal(int(budget * self.rng.uniform(0.7, 1.3))).quantize(
                        Decimal("100"))
                    self.add(MarketingSpend, date=month, channel=channel, amount=amount,
                             note=None, _when=month)
            if month >= self.today.replace(day=1) - timedelta(days=370):
                # The last year's and the coming months' budget, planned by channel.
                for channel in CHANNELS:
                    planned = Decimal(int(CHANNEL_BUDGET[channel] * scale
                                          * self.aux.uniform(0.9, 1.1)) // 1000 * 1000)
                    self.add_aside(MarketingBudget, month=month, channel=channel,
                                   amount=planned, note=None, _when=month)
            month = (month + timedelta(days=32)).replace(day=1)
        for kind, value, note in (("segment", "HoReCa", "Растущий сегмент, средний чек выше"),
                                  ("segment", "Госсектор", "Тендеры 44-ФЗ"),
                                  ("market", "Урал", "Открываем представительство"),
                                  ("market", "Поволжье", None)):
            self.add(StrategyItem, kind=kind, value=value, note=note, _when=self.start)
        volume: dict[uuid.UUID, Decimal] = {}
        for deal in self.won_deals:
            volume[deal["client_id"]] = volume.get(deal["client_id"], Decimal(0)) + deal["amount"]
        key = {cid for cid, _v in sorted(volume.items(), key=lambda kv: -kv[1])[:12]}
        for client in self.clients:
            if client["id"] in key:
                client["priority"] = True

    def _documents(self) -> None:
        """Proposals for recent deals, invoices for won ones, payments and deliveries.

        Numbers follow each owner's series in date order, as if issued day by day.
        """
        horizon = self.start if self.size == "small" else self.today - timedelta(days=45)
        people = {p.id: p for p in self.people}
        company = self.rows[Company][0]
        supplier = {"name": company_full_name(company["legal_form"], company["name"]),
                    "inn": company["inn"],
                    "kpp": company["kpp"], "ogrn": company["ogrn"],
                    "address": company["address"], "phone": company["phone"],
                    "email": company["email"], "bank_name": company["bank_name"],
                    "bik": company["bik"], "corr_account": company["corr_account"],
                    "settlement_account": company["settlement_account"],
                    "head_name": company["head_name"],
                    "head_position": company["head_position"],
                    "accountant_name": company["accountant_name"]}
        users = {u["id"]: u for u in self.rows[User]}
        events: list[tuple[date, str, dict[str, Any]]] = []
        for deal in self.rows.get(Deal, []):
            if deal["opened_on"] < horizon or deal["stage"] in ("new", "qualified"):
                continue
            issued_on = min(self.today, deal["opened_on"] + timedelta(
                days=self.rng.randint(2, 8)))
            events.append((issued_on, "proposal", deal))
            if deal["stage"] == "won" and deal["closed_on"] is not None:
                events.append((deal["closed_on"], "invoice", deal))
        events.sort(key=lambda e: (e[0], e[1]))
        counters: dict[tuple[str, str], int] = {}
        proposals: dict[uuid.UUID, dict[str, Any]] = {}
        for day, kind, deal in events:
            owner = people[deal["owner_id"]]
            client = deal["_client"]
            seq = counters[(owner.prefix, kind)] = counters.get((owner.prefix, kind), 0) + 1
            number = f"{owner.prefix}-{seq:04d}" if kind == "invoice" else \
                f"{owner.prefix}-P{seq:04d}"
            lines = self._lines_for(deal["amount"])
            totals = compute_document([(q, p, d, r) for q, p, d, r, _n, _u, _pid in lines],
                                      True)
            author = users[owner.id]
            snapshot = {"supplier": supplier,
                        "buyer": {"name": client["name"], "inn": client["inn"],
                                  "kpp": client["kpp"], "address": client["address"],
                                  "phone": client["phone"], "email": client["email"],
                                  "contact": client["_contact"][0],
                                  "contact_position": client["_contact"][1]},
                        "author": {"name": author["name"], "position": author["position"],
                                   "phone": author["phone"], "email": author["email"]}}
            doc: dict[str, Any] = {
                "kind": kind, "number": number, "series": owner.prefix, "seq": seq,
                "client_id": client["id"], "deal_id": deal["id"], "owner_id": owner.id,
                "doc_date": day, "valid_until": None, "due_date": None,
                "title": deal["title"] if kind == "proposal" else None,
                "lead": ("Благодарим за интерес к нашей продукции. Подготовили для вас "
                         "предложение.") if kind == "proposal" else None,
                "basis": None, "payment_terms": company["payment_terms"],
                "delivery_terms": company["delivery_terms"], "notes": None,
                "language": client["document_language"], "currency": "RUB",
                "vat_included": True, "subtotal": totals.subtotal, "vat_total": totals.vat,
                "total": totals.total, "paid_total": Decimal(0), "source_id": None,
                "replaces_id": None, "issued_at": self.stamp(day), "cancelled_reason": None,
                "snapshot": snapshot, "status": "issued", "_when": day}
            if kind == "proposal":
                doc["valid_until"] = day + timedelta(days=14)
                doc["status"] = {"won": "accepted", "lost": "rejected"}.get(
                    deal["stage"], self.rng.choice(["issued", "sent", "sent"]))
            else:
                proposal = proposals.get(deal["id"])
                if proposal is not None:
                    doc["source_id"] = proposal["id"]
                    doc["basis"] = (f"Коммерческое предложение № {proposal['number']} от "
                                    f"{proposal['doc_date'].strftime('%d.%m.%Y')}")
                doc["due_date"] = day + timedelta(days=5)
                age = (self.today - day).days
                # Most invoices get paid; some are half paid or overdue, as in life.
                roll = self.rng.random()
                full, half = ((0.95, 0.95) if age > 60 else (0.8, 0.9) if age > 12
                              else (0.4, 0.7) if age > 3 else (0, 0))
                paid_part = (totals.total if roll < full else
                             (totals.total / 2).quantize(Decimal("0.01")) if roll < half
                             else Decimal(0))
                if paid_part:
                    self.add(Payment, invoice_id=doc.get("id") or doc.setdefault(
                        "id", self.uid()), paid_on=min(self.today, day + timedelta(
                            days=self.rng.randint(1, 6))), amount=paid_part, note=None,
                        recorded_by_id=owner.manager_id or owner.id, _when=day)
                doc["paid_total"] = paid_part
                doc["status"] = ("paid" if paid_part == totals.total else
                                 "partially_paid" if paid_part else self.rng.choice(
                                     ["issued", "sent"]))
                if age > 60 and not paid_part:
                    # An old invoice nobody paid was called off, as offices do.
                    doc["status"] = "cancelled"
                    doc["cancelled_reason"] = "Клиент отказался от поставки"
            record = self.add(Document, **doc)
            if kind == "proposal":
                proposals[deal["id"]] = record
            for position, (quantity, price, discount, rate, name, unit, pid) in enumerate(
                    lines, start=1):
                line = compute_line(quantity, price, discount, rate, True)
                self.add(DocumentLine, document_id=record["id"], position=position,
                         product_id=pid, description=name, quantity=quantity, unit=unit,
                         price=price, discount_pct=discount, vat_rate=rate, amount=line.amount,
                         vat_amount=line.vat, _when=day)
        for (prefix, kind), last in counters.items():
            self.add(DocumentSeries, prefix=prefix, kind=kind, last_number=last,
                     _when=self.today)
        invoices = {d["deal_id"]: d for d in self.rows.get(Document, [])
                    if d["kind"] == "invoice"}
        for delivery in self.rows.get(Delivery, []):
            invoice = invoices.get(delivery["deal_id"])
            if invoice is not None:
                delivery["invoice_id"] = invoice["id"]

    def _appointments(self) -> None:
        """The last two weeks' meetings and calls as held (each the activity it logged)
        and the next three weeks' as planned. A generator of their own: the rest of the
        demo stays as it was for the same seed."""
        rng = random.Random(f"appointments-{self.seed}-{self.today.isoformat()}")
        subjects = {"meeting": ["Встреча на объекте", "Переговоры о поставке",
                                "Обсуждение условий договора", "Встреча с закупщиком"],
                    "call": ["Звонок по коммерческому предложению", "Созвон по срокам поставки",
                             "Звонок о продлении договора"],
                    "presentation": ["Презентация новой коллекции", "Презентация каталога"]}
        since = self.today - timedelta(days=14)
        people = {p.id: p for p in self.people}
        held = [a for a in self.rows.get(Activity, [])
                if a["kind"] in ("meeting", "call", "presentation") and since <= a["date"]
                < self.today and a.get("deleted_at") is None and a["user_id"] in people]
        for activity in held[:400]:
            start = rng.choice(range(9 * 60, 18 * 60, 30))
            self.add(Appointment, client_id=activity["client_id"], user_id=activity["user_id"],
                     kind=activity["kind"], subject=rng.choice(subjects[activity["kind"]]),
                     date=activity["date"], start_minute=start,
                     duration_minutes=rng.choice([30, 60, 60, 90]), place=None, note=None,
                     status="done", outcome=activity.get("note"), activity_id=activity["id"],
                     _when=activity["date"])
        by_owner: dict[uuid.UUID, list[dict[str, Any]]] = {}
        for client in self.clients:
            by_owner.setdefault(client["owner_id"], []).append(client)
        for person in self.people:
            mine = by_owner.get(person.id)
            if person.role == "head" or not mine:
                continue
            for offset in range(0, 21):
                day = self.today + timedelta(days=offset)
                if day.weekday() >= 5:
                    continue
                taken: list[int] = []
                for _n in range(rng.choice([0, 1, 1, 2, 2, 3])):
                    kind = rng.choice(["meeting", "meeting", "call", "call", "presentation"])
                    start = rng.choice([m for m in range(9 * 60, 18 * 60, 30)
                                        if all(abs(m - t) >= 90 for t in taken)] or [9 * 60])
                    taken.append(start)
                    client = rng.choice(mine)
                    place = (client.get("address") or None) if kind != "call" else None
                    self.add(Appointment, client_id=client["id"], user_id=person.id, kind=kind,
                             subject=rng.choice(subjects[kind]), date=day, start_minute=start,
                             duration_minutes=30 if kind == "call" else rng.choice([60, 90]),
                             place=place, note=None, status="planned", outcome=None,
                             activity_id=None, _when=self.today)

    def _lines_for(self, target: Decimal) -> list[tuple[Any, ...]]:
        """Catalogue lines whose total comes near a deal's amount."""
        goods = [p for p in self.products if not p["sku"].startswith("SV-")]
        chosen = self.rng.sample(goods, k=min(len(goods), self.rng.randint(1, 4)))
        lines = []
        share = target / len(chosen)
        for product in chosen:
            quantity = Decimal(max(1, int(share / product["price"])))
            discount = Decimal(self.rng.choice([0, 0, 0, 5, 10]))
            lines.append((quantity, product["price"], discount, product["vat_rate"],
                          product["name"], product["unit"], product["id"]))
        if self.rng.random() < 0.5:
            delivery = next(p for p in self.products if p["sku"] == "SV-DLV")
            lines.append((Decimal(1), delivery["price"], Decimal(0), delivery["vat_rate"],
                          delivery["name"], delivery["unit"], delivery["id"]))
        return lines

    def _training(self) -> None:
        self.add_aside(TrainingTemplate, name="Новый торговый представитель", note=None, items=[
            {"title": "Изучить каталог продукции", "description": None, "offset_days": 7},
            {"title": "Пройти курс «Переговоры с закупщиком»", "description": None,
             "offset_days": 14},
            {"title": "Освоить SalesDesk: клиенты и сделки", "description": None,
             "offset_days": 10},
            {"title": "Подготовить три КП под контролем", "description": None,
             "offset_days": 30},
            {"title": "Выезд на встречу с наставником", "description": None,
             "offset_days": 21}], _when=self.start)
        items = ["Изучить каталог продукции", "Пройти курс «Переговоры с закупщиком»",
                 "Освоить SalesDesk: клиенты и сделки", "Подготовить три КП под контролем",
                 "Выезд на встречу с наставником"]
        for person in self.people:
            if person.role != "rep":
                continue
            for i, title in enumerate(items):
                due = self.start + timedelta(days=30 * (i + 1))
                done = due - timedelta(days=2) if self.rng.random() < 0.8 else None
                self.add(TrainingItem, user_id=person.id, assigned_by_id=person.manager_id,
                         title=title, description=None, due_date=due, done_on=done,
                         reviewed=done is not None and self.rng.random() < 0.7,
                         reviewed_by_id=person.manager_id, review_note=None, _when=due)


ORDER = [Company, User, Product, Competitor, MarketNote, Client, Contact, Activity, Deal,
         Document, DocumentLine, Payment, DocumentSeries, Delivery, Task, Target,
         MarketingSpend, StrategyItem, TrainingItem, Appointment, MarketingBudget,
         TrainingTemplate]


def build_demo(db: Database, seed: int = 1, size: str = "small", today: date | None = None,
               progress: Callable[[str, int, int], None] | None = None,
               extras: Callable[[DemoBuilder, Any], None] | None = None) -> DemoSummary:
    """Fill an empty database with the demo office in one transaction.

    ``progress(stage, done, total)`` is called as tables are written (the window shows it);
    ``extras`` may add more rows (documents) through the same connection before commit.
    """
    builder = DemoBuilder(seed, size, today or clock.today())
    builder.build()
    summary = DemoSummary()
    with db.unit_of_work() as uow:
        uow.session.info["audit_skip"] = True
        conn = uow.session.connection()
        total = sum(len(v) for v in builder.rows.values())
        done = 0
        big = [m.__table__ for m in (Client, Contact, Activity, Deal)]  # type: ignore[attr-defined]
        with IndexesDropped(conn, big), TriggersPaused(conn):
            for model in ORDER:
                rows = builder.rows.get(model, [])
                if rows and any(k.startswith("_") for k in rows[0]):
                    rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
                for start in range(0, len(rows), 50_000):
                    chunk = rows[start:start + 50_000]
                    bulk_insert(conn, model.__table__, chunk)  # type: ignore[attr-defined]
                    done += len(chunk)
                    if progress:
                        progress(model.__tablename__, done, total)  # type: ignore[attr-defined]
                summary.counts[model.__tablename__] = len(rows)  # type: ignore[attr-defined]
        if extras is not None:
            extras(builder, conn)
        analyse(conn)  # the planner's statistics for what was just loaded
        head_id = builder.people[0].id
        conn.execute(insert(AuditEntry.__table__), [{
            "id": builder.uid(), "at": clock.utcnow(), "user_id": head_id,
            "action": "create", "entity": "demo", "record_id": head_id,
            "changes": {"seed": [None, seed], "size": [None, size]}}])
        uow.commit()
    summary.logins = [(p.login, p.name, p.role) for p in builder.people]
    return summary
