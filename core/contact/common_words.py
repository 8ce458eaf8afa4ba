"""Ordinary words that are never accepted as a messaging handle on their own.

"my telegram is rahim.bd" names a handle; "my WhatsApp is the same",
"Telegram bot", "Discord server setup" do not. A plain alphabetic token after a
platform word is only taken as a handle when it is not one of these words
(the ~1,000 most common English words plus service nouns sellers use when they
talk *about* a platform). Tokens with digits, "_" or "." are handle-shaped and
are judged without this list.
"""

COMMON_WORDS: frozenset[str] = frozenset(
    """
    a ability able about above accept according account accounts across act action activity
    actually ad add address administration admit ads adult advertising affect after again
    against age agency agent ago agree agreement ahead air all allow almost alone along
    already also although always am american among amount an analysis analytics and animal
    another answer any anymore anyone anything api apis app appear apply approach apps are
    area argue arm around arrive art article artist as asap ask assume at attack attention
    attorney audience author authority automation available avoid away baby back bad bag
    ball bank banner banners bar base be beat beautiful because become bed been before begin
    behavior behind being believe benefit best better between beyond bhai big bill billion
    bio bit black blood blue board body book born bot both bots box boy break bring bro
    brother budget build building business but button buttons buy by call calling calls
    camera campaign campaigns can candidate capital caption captions car card care career
    carousel carry case catalog catalogue catch cause cell center central century certain
    certainly chair challenge chance change channel channels character charge chat chatbot
    chatbots chats chatting check child choice choose church citizen city civil claim class
    clear clearly client clients clone close coach cold collection college color command
    commands commercial common communities community company compare computer concern
    condition conference congress consider consumer contact contacts contain content
    continue control cool cost could country couple course court cover covers create creator
    creators crime cultural culture cup current customer cut dark data daughter day deal
    dear debate decade decide decision deep defense degree delivery democrat democratic
    describe design designer designs desktop despite detail details determine develop
    development did difference different difficult dinner direction director discover
    discuss discussion do doctor does dog done door down draw dream drive drop drug during
    each early east easy eat economic economy edge education effect effort eight either
    election else email emails emoji employee end energy engagement enjoy enough enter
    entire environment environmental especially establish even evening event ever every
    everybody everyone everything evidence exactly example executive exist expect experience
    expert explain eye face fact factor fall family far fast father fear federal feed feel
    feeling few field fight figure file files fill film filter filters final finally
    financial find fine finish fire firm first fish five floor flow flows fly focus follow
    followers food foot for force foreign forget form former forward four free friend from
    front full fund future game games garden gas gateway general generation get gig gigbox
    gigs girl give glass go goal good government great green grid ground group groups grow
    growth guess gun guy had hair half hand handle happen happy hard has hashtag hashtags
    have he head health hear heart heavy hello help hence her here herself hey hi high
    highlight highlights him himself his history hit hold home hope hospital hot hotel hour
    house how however huge human hundred husband i id idea identify ids if image images
    imagine impact important improve in include including increase indeed indicate
    individual industry influencer influencers info information inline inside insights
    instead institution integration integrations interest interesting international
    interview into investment invite invites involve is issue it item its itself job join
    just keep key keyboard kid kind kitchen know knowledge land language large last late
    later laugh law lawyer lay lead leader learn least leave left leg lens lenses less let
    letter level life light like likely likes line link links list listen little live local
    login logo logos long look lose loss lot low machine madam magazine mail mails main
    maintain major majority make man manage management manager managers many market
    marketing marriage material matter may maybe me mean measure media medical meet meeting
    member members memory mention message messages messaging method middle might military
    million mind mine minute miss mission mobile mod model moderation modern mods moment
    money month more morning most mother mouth move movement movie mr mrs much music must my
    myself name names nation national natural nature near nearly necessary need neither
    network never new news newspaper next nice night no none nor north not note nothing
    notice notification notifications now number numbers occur of off offer office officer
    official often oil ok okay old on once one only onto open operation opportunity option
    or order orders organization other others our out outside over own owner page pages
    painting paper parent part participant particular particularly partner party pass past
    pattern pay payment payments peace people per perform performance perhaps person
    personal phone photo photos physical pick picture piece pixel place plan plant platform
    platforms play player please pls pm point police policy political politics poor popular
    population position positive possible post posts power practice premium prepare present
    president pressure pretty prevent price probably process produce product production
    professional professor profile profiles program project projects property protect prove
    provide public pull purpose push put quality question quickly quite race radio raise
    range rate rather reach read ready real reality realize really reason receive recent
    recently recognize record red reduce reel reels reflect region relate relationship
    religious remain remember report represent republican require research resource respond
    response responsibility rest result return reveal rich right rise risk road rock role
    roles room rule run safe same save say scene school science scientist score sdk sea
    season seat second section security see seek seem sell send senior sense series serious
    serve server servers service services set setup seven several shake shall share she shop
    short should shoulder shoutout shoutouts show side sign significant similar simple
    simply since sing single sir sister sit site situation six size skill skin small smile
    so social society soldier some somebody someone something sometimes son song soon sort
    sound source south southern space speak speaking special specific speech spend sport
    spring staff stage stand standard star start state statement station status stay step
    sticker stickers still stock stop store stories story strategy street strong structure
    student study stuff style subject subscribers success successful such suddenly suffer
    suggest summer support sure surface system table take talk talking task tax teach
    teacher team technology television tell template templates ten tend term test texting
    than thank thanks that the their them theme themes themselves then theory there
    therefore these they thing think third this those though thought thousand threat three
    through throughout throw thumbnail thumbnails thus time to today together tomorrow
    tonight too tool tools top total tough toward town trade traditional training travel
    treat treatment tree trial trip trouble true truth try turn tv two type under understand
    unit unless until up update updates upon us use username usernames usually value various
    verification verified version very video videos view views visit voice vote wait walk
    wall want war was watch water way we wear web webhook webhooks website websites week
    weight well were west western what whatever when where whether which while white who
    whole whom whose why wide widget widgets wife will win wind window wish with within
    without woman wonder word work worker working world worry would write writer wrong yard
    yeah year yes yesterday yet you young your yours yourself
    """.split()
) | frozenset(
    # Colours: a brand's colour is design talk ("Viber purple #7360F2", "WhatsApp green").
    """
    orange yellow purple violet pink brown grey gray gold silver teal cyan magenta turquoise
    navy maroon beige lavender indigo coral mint olive cream charcoal
    """.split()
)

# What people say a platform *is* (or seems, or does): "Telegram is blocked
# here", "my Instagram is private", "Skype is kinda laggy", "my WhatsApp
# account seems banned". Never a plain-word handle, with or without a
# possessive before the platform: adjectives and participles about apps,
# accounts, connections and prices (some are in the list above too, so this
# one reads whole).
PREDICATE_WORDS: frozenset[str] = frozenset(
    """
    weak slow slower slowest fast faster fastest blocked banned unbanned restricted
    suspended deleted disabled enabled deactivated hacked locked unlocked private public
    hidden visible laggy buggy glitchy broken dead offline online busy unavailable
    unreachable inactive active cheaper cheapest easier easiest harder safer safest secure
    insecure encrypted unencrypted reliable unreliable stable unstable popular unpopular
    famous trendy outdated obsolete allowed forbidden prohibited illegal legal censored
    monitored tracked verified unverified thick thin cheap expensive costly paid unpaid
    premium basic fine okay awesome amazing terrible horrible awful useless useful helpful
    annoying confusing simple complex complicated crowded empty quiet noisy spammy toxic
    friendly nicer nice worse worst bigger smaller louder weaker stronger cleaner clunky
    smooth fixed updated outdated installed uninstalled working loading crashing lagging
    down up back full closed open great good bad better best free new old same different
    fine gone missing needed required necessary mandatory optional recommended preferred
    enough overrated underrated banned blocked whitelisted blacklisted throttled jammed
    patchy spotty strong dying dropping kinda sorta quite pretty really totally super very
    always usually mostly still currently seem seems seemed look looks looked appear appears
    appeared feel feels sound sounds become becomes became got gets keeps kept stays stayed
    remains remained works worked crashes crashed lags lagged sucks
    """.split()
)


# Prefixes that turn a participle or adjective into another one: "dis-connected",
# "shadow-banned", "re-installed", "un-synced". A handle rarely starts so and
# ends in "-ed".
_STATE_PREFIXES = ("shadow", "under", "over", "non", "dis", "mis", "un", "de", "re", "in", "im")
# Endings that are participles or adjectives whatever the stem ("compromised",
# "sanitized", "deactivated", "unverified").
_STATE_ENDINGS = ("ized", "ised", "ified", "ated")
_DOUBLED_ENDING = (
    "bbed",
    "dded",
    "gged",
    "mmed",
    "nned",
    "pped",
    "rred",
    "tted",
    "gging",
    "pping",
    "nning",
    "mming",
    "tting",
    "bbing",
    "dding",
)


def describes_state(word: str) -> bool:
    """Is ``word`` (lower case) something one says a platform or account *is*?

    ``PREDICATE_WORDS`` lists the usual ones; the rest is morphology, so an
    unlisted adjective ("shadowbanned", "misconfigured", "unusable",
    "flagged") is not taken for a handle in "my instagram is X". Plain
    handles ("ahmed", "designking", "studioblessed") keep their shape:
    no prefix before an "-ed", no participle ending.
    """
    if word in PREDICATE_WORDS:
        return True
    if len(word) >= 7 and word.endswith(_STATE_ENDINGS):
        return True
    if len(word) >= 6 and word.endswith(_DOUBLED_ENDING):
        return True  # "flagged", "spamming": a doubled consonant before the suffix
    if (
        len(word) >= 6
        and word.endswith("ing")
        and (
            word[:-3] in COMMON_WORDS
            or word[:-3] + "e" in COMMON_WORDS
            or word[:-3] + "ed" in PREDICATE_WORDS
        )
    ):
        return True  # "updating", "posting", "crashing": a common verb going on
    for prefix in _STATE_PREFIXES:
        if word.startswith(prefix):
            rest = word[len(prefix) :]
            if rest in PREDICATE_WORDS:
                return True  # "shadowbanned", "reinstalled"
            if len(rest) >= 4 and rest.endswith("ed"):
                return True  # "disconnected", "unsynced", "overloaded"
            if (
                prefix in ("un", "in", "non", "im")
                and len(rest) >= 5
                and rest.endswith(("able", "ible", "ive"))
            ):
                return True  # "unusable", "unresponsive"
    return False


# After a plain-word handle or account name only the end of the sentence or one
# of these may follow: "wechat logoking pls" is a handle, "WeChat mini program"
# and "outlook calendar" are not.
CLOSING_WORDS: frozenset[str] = frozenset(
    """
    pls plz please thanks thx bro sir madam call add dm message msg text ping there here ok
    okay for and or to me hai karo kar na ji
    """.split()
)
